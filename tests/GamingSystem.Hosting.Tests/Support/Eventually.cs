namespace GamingSystem.Hosting.Tests.Support;

/// <summary>Waits for a condition with a deadline, checking it often; never a blind sleep.</summary>
internal static class Eventually
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"Timed out after {timeout.TotalSeconds} s waiting until {because}.");
            await Task.Delay(s_pollInterval);
        }
    }

    /// <summary>Asserts the condition holds at every check for the whole period.</summary>
    public static async Task HoldsForAsync(Func<bool> condition, TimeSpan period, string because)
    {
        var end = TimeProvider.System.GetTimestamp() + (long)(period.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < end)
        {
            Assert.True(condition(), because);
            await Task.Delay(s_pollInterval);
        }
    }
}

namespace GamingSystem.Hosting.Tests;

public sealed class RestartBackoffTests
{
    private static readonly RestartBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(40, 10)]
    public void The_delay_doubles_with_each_crash_in_a_row_up_to_the_maximum(int restart, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.DelayBefore(restart));

    [Fact]
    public void There_is_no_restart_number_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.DelayBefore(0));
}

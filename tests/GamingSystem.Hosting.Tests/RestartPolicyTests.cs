using GamingSystem.Hosting.Orchestration;

namespace GamingSystem.Hosting.Tests;

public sealed class RestartPolicyTests
{
    [Fact]
    public void Delays_double_from_one_second_and_stop_at_thirty()
    {
        var delays = Enumerable.Range(0, 8).Select(a => RestartPolicy.Default.GetDelay(a).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(30, RestartPolicy.Default.GetDelay(10_000).TotalSeconds);
    }

    [Fact]
    public void Only_a_long_healthy_run_ends_a_crash_streak()
    {
        Assert.False(RestartPolicy.Default.EndsCrashStreak(TimeSpan.FromSeconds(5)));
        Assert.True(RestartPolicy.Default.EndsCrashStreak(TimeSpan.FromMinutes(2)));
    }
}

using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.PerformanceMode.Mode;

namespace GamingSystem.Language.Tests;

public sealed class ServerModeTests
{
    private static readonly ModeOptions Options = new();
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_window_reports_the_difference_of_the_cumulative_counters_and_the_mean_latency()
    {
        var window = new LoadWindow(Options);
        window.Add(T0, [new("payment", "p1", Requests: 100, Errors: 5, ServerErrors: 0, TotalTimeNs: 1_000_000_000)]);
        window.Add(T0.AddSeconds(2), [new("payment", "p1", 110, 7, 1, 1_000_000_000 + (10 * 30_000_000L))]);

        var load = Assert.Single(window.Loads(T0.AddSeconds(2)));

        Assert.Equal(("payment", 10L, 2L, 1L, 30.0, 1, 0), (load.Service, load.Requests, load.Errors, load.ServerErrors, load.AverageLatencyMs, load.Instances, load.UnresponsiveInstances));
    }

    [Fact]
    public void Instances_of_a_service_are_summed_and_a_silent_one_is_unresponsive_then_forgotten()
    {
        var window = new LoadWindow(Options);
        window.Add(T0, [new("auth", "a1", 0, 0, 0, 0), new("auth", "a2", 0, 0, 0, 0)]);
        window.Add(T0.AddSeconds(6), [new("auth", "a1", 4, 0, 0, 4_000_000)]);

        var silent = Assert.Single(window.Loads(T0.AddSeconds(6)));
        window.Add(T0.AddSeconds(40), [new("auth", "a1", 8, 0, 0, 8_000_000)]);
        var forgotten = Assert.Single(window.Loads(T0.AddSeconds(40)));

        Assert.Equal((1, 1, 6000.0), (silent.Instances, silent.UnresponsiveInstances, silent.AverageLatencyMs));
        Assert.Equal((1, 0), (forgotten.Instances, forgotten.UnresponsiveInstances));
    }

    [Fact]
    public void Old_samples_leave_the_window()
    {
        var window = new LoadWindow(Options);
        window.Add(T0, [new("router", "r1", 0, 0, 0, 0)]);
        window.Add(T0.AddSeconds(2), [new("router", "r1", 10, 0, 0, 10L * 9_000_000_000)]);
        for (var s = 4; s <= 30; s += 2)
        {
            window.Add(T0.AddSeconds(s), [new("router", "r1", 10 + s, 0, 0, (10L * 9_000_000_000) + (s * 1_000_000L))]);
        }

        var load = Assert.Single(window.Loads(T0.AddSeconds(30)));

        Assert.True(load.AverageLatencyMs < 2, $"the slow requests of the first seconds still count: {load.AverageLatencyMs} ms");
    }

    [Fact]
    public void Healthy_loads_are_normal_one_slow_service_is_degraded_and_several_failing_are_survival()
    {
        ServiceLoad Load(string name, double latency = 5, long requests = 100, long serverErrors = 0, int unresponsive = 0, int instances = 1) =>
            new() { Service = name, AverageLatencyMs = latency, Requests = requests, ServerErrors = serverErrors, UnresponsiveInstances = unresponsive, Instances = instances };

        Assert.Equal(ServerMode.Normal, ModeDeriver.Derive([Load("a"), Load("b", latency: 1500)], Options).Mode);
        Assert.Equal(ServerMode.Normal, ModeDeriver.Derive([Load("a", requests: 3, serverErrors: 3)], Options).Mode);
        Assert.Equal(ServerMode.Normal, ModeDeriver.Derive([], Options).Mode);

        var slow = ModeDeriver.Derive([Load("a"), Load("b", latency: 2500)], Options);
        Assert.Equal(ServerMode.Degraded, slow.Mode);
        Assert.Contains("b averages 2500 ms", slow.Reason, StringComparison.Ordinal);

        var hung = ModeDeriver.Derive([Load("a", unresponsive: 1, instances: 0, latency: 9000)], Options);
        Assert.Equal(ServerMode.Degraded, hung.Mode);
        Assert.Contains("a not answering", hung.Reason, StringComparison.Ordinal);

        Assert.Equal(ServerMode.Degraded, ModeDeriver.Derive([Load("a", serverErrors: 30)], Options).Mode);
        var failing = ModeDeriver.Derive([Load("a", serverErrors: 60), Load("b", latency: 9000), Load("c", unresponsive: 2, instances: 0)], Options);
        Assert.Equal(ServerMode.Survival, failing.Mode);
        Assert.StartsWith("3 services failing", failing.Reason, StringComparison.Ordinal);
    }
}

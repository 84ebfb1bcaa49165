using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>Which traces that begin in a process are recorded: never the chatter, and no more than the budget.</summary>
public sealed class RootSamplerTests
{
    private long _now = 1_000_000_000;

    [Fact]
    public void A_burst_gets_one_seconds_budget_and_then_one_trace_per_interval()
    {
        var sampler = new RootSampler(10, () => _now);

        Assert.Equal(10, Enumerable.Range(0, 25).Count(_ => Recorded(sampler, "GET /api/v1/state/{key}")));

        _now += Stopwatch.Frequency / 10;
        Assert.True(Recorded(sampler, "GET /api/v1/state/{key}"));
        Assert.False(Recorded(sampler, "GET /api/v1/state/{key}"));

        // A quiet second refills the whole budget, and no more.
        _now += 3 * Stopwatch.Frequency;
        Assert.Equal(10, Enumerable.Range(0, 25).Count(_ => Recorded(sampler, "PUT /api/v1/state/{key}")));
    }

    [Fact]
    public void Chatter_is_never_recorded_and_does_not_spend_the_budget()
    {
        var sampler = new RootSampler(1, () => _now);

        Assert.False(Recorded(sampler, "svc.capability_registry.v1.heartbeat publish"));
        Assert.False(Recorded(sampler, "$SRV.PING receive"));
        Assert.True(Recorded(sampler, "POST /api/v1/quests/{id}/complete"));
        Assert.False(Recorded(sampler, "POST /api/v1/quests/{id}/complete"));
    }

    [Fact]
    public void A_budget_of_zero_records_nothing_and_a_bad_budget_is_refused_by_name()
    {
        Assert.False(Recorded(new RootSampler(0, () => _now), "GET /api/v1/wallet"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RootSampler(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RootSampler(double.NaN));

        Assert.Equal(TelemetryExtensions.DefaultTracesPerSecond, Configured(null));
        Assert.Equal(2.5, Configured("2.5"));
        Assert.Equal(0, Configured("0"));
        var error = Assert.Throws<InvalidOperationException>(() => Configured("lots"));
        Assert.Contains(TelemetryExtensions.TracesPerSecondKey, error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Configured("-3"));
    }

    private static bool Recorded(RootSampler sampler, string name) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), name, ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample;

    private static double Configured(string? value)
    {
        var configuration = new ConfigurationBuilder();
        if (value is not null)
        {
            configuration.AddInMemoryCollection([new(TelemetryExtensions.TracesPerSecondKey, value)]);
        }

        return TelemetryExtensions.TracesPerSecond(configuration.Build());
    }
}

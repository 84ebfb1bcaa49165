namespace GamingSystem.AiRouter.Tests;

/// <summary>One model's circuit on a clock the test moves: when it opens, stays open, lets one trial through, and closes.</summary>
public sealed class ModelBreakerTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);

    private readonly Clock _clock = new();
    private readonly ModelBreaker _breaker;

    public ModelBreakerTests() => _breaker = new ModelBreaker("m", new BreakerOptions { FailuresToOpen = 3, BreakDuration = Break }, _clock);

    [Fact]
    public void It_opens_only_after_the_configured_failures_in_a_row()
    {
        Fail(2);
        _breaker.Succeeded(10);
        Fail(2);

        Assert.Equal(ModelBreaker.Closed, _breaker.State);
        Assert.True(_breaker.TryAcquire());

        Fail(1);

        Assert.Equal(ModelBreaker.Open, _breaker.State);
        Assert.False(_breaker.TryAcquire());
    }

    [Fact]
    public void After_the_break_one_trial_goes_through_and_its_success_closes_the_circuit()
    {
        Fail(3);
        _clock.Advance(Break - TimeSpan.FromMilliseconds(1));
        var duringBreak = _breaker.TryAcquire();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(duringBreak);
        Assert.Equal(ModelBreaker.HalfOpen, _breaker.State);
        Assert.True(_breaker.TryAcquire());
        Assert.False(_breaker.TryAcquire());

        _breaker.Succeeded(10);

        Assert.Equal(ModelBreaker.Closed, _breaker.State);
        Assert.True(_breaker.TryAcquire());
        Assert.True(_breaker.TryAcquire());
    }

    [Fact]
    public void A_failed_trial_opens_the_circuit_for_another_break_at_once()
    {
        Fail(3);
        _clock.Advance(Break);
        Assert.True(_breaker.TryAcquire());

        _breaker.Failed("UNAVAILABLE: still down");

        Assert.Equal(ModelBreaker.Open, _breaker.State);
        _clock.Advance(Break - TimeSpan.FromMilliseconds(1));
        Assert.False(_breaker.TryAcquire());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_breaker.TryAcquire());
    }

    [Fact]
    public void A_trial_released_without_a_verdict_lets_the_next_caller_try()
    {
        Fail(3);
        _clock.Advance(Break);
        Assert.True(_breaker.TryAcquire());

        _breaker.Released();

        Assert.True(_breaker.TryAcquire());
    }

    [Fact]
    public void The_snapshot_counts_calls_failures_and_the_last_error_and_averages_the_successes()
    {
        _breaker.Succeeded(10);
        _breaker.Succeeded(30);
        _clock.Advance(TimeSpan.FromMinutes(1));
        _breaker.Failed("FAILED_PRECONDITION: refused the key");

        var stats = _breaker.Snapshot();

        Assert.Equal(("m", 3L, 1L, 20L, "closed", 1), (stats.ModelId, stats.Calls, stats.Failures, stats.AverageLatencyMs, stats.Circuit, stats.ConsecutiveFailures));
        Assert.Equal("FAILED_PRECONDITION: refused the key", stats.LastError);
        Assert.Equal(_clock.GetUtcNow(), stats.LastFailureAt.ToDateTimeOffset());
    }

    private void Fail(int times)
    {
        for (var i = 0; i < times; i++)
        {
            _breaker.Failed("UNAVAILABLE: down");
        }
    }

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

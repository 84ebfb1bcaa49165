using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// Task.Delay(1 ms) on its own. .NET's timers tick with the OS's coarse clock, so on a kernel whose coarse
/// clock has 4 ms steps a "1 ms" delay lasts about 4 ms: this row shows what the slow handler really waits.
/// </summary>
internal sealed class DelayProbe(TimeSpan delay) : IScenario
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask CallAsync() => await Task.Delay(delay).ConfigureAwait(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The 1 ms wait the slow handlers use (<see cref="PreciseWait"/>), on its own: how long it really lasts here.</summary>
internal sealed class PreciseWaitProbe : IScenario
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask CallAsync() => await PreciseWait.OneMillisecond.WaitAsync().ConfigureAwait(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// A Polly pipeline shaped like ServiceClient's for a retried call (a timeout from the deadline around a
/// per-service circuit breaker, a pooled context), wrapped around a call that has already completed: it prices
/// Polly's layers on their own. (A one-shot call no longer runs inside them while the circuit is closed; it reports
/// its outcome to the breaker afterwards, see ServiceBreaker.)
/// </summary>
internal sealed class ResilienceProbe : IScenario
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ResiliencePipeline _timeout = new ResiliencePipelineBuilder()
        .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = _ => ValueTask.FromResult(Deadline) })
        .Build();

    private readonly ResiliencePipeline _breaker = new ResiliencePipelineBuilder()
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(3),
        })
        .Build();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask CallAsync()
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            var outcome = await _timeout.ExecuteOutcomeAsync(
                static async (ctx, breaker) => Outcome.FromResult(
                    await breaker.ExecuteAsync(static (_, _) => ValueTask.FromResult(0), ctx, 0).ConfigureAwait(false)),
                context,
                _breaker).ConfigureAwait(false);
            outcome.ThrowIfException();
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

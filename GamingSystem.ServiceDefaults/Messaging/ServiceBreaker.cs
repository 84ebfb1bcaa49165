using GamingSystem.Contracts.Common.V1;
using Polly;
using Polly.CircuitBreaker;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// The Polly circuit breaker of one target service. Calls run through <see cref="Pipeline"/> while the circuit
/// is not closed (an open circuit rejects them at once, a half-open one lets Polly's trial through). While it is
/// closed, a call goes straight to NATS and <see cref="ReportAsync"/> then runs its outcome through the same
/// pipeline, so Polly counts every outcome and decides when to break; this avoids wrapping the in-flight call in
/// Polly's async layers, which was the larger part of the breaker's cost per call.
/// </summary>
internal sealed class ServiceBreaker
{
    private readonly CircuitBreakerStateProvider _state = new();

    public ServiceBreaker(TimeProvider time, TimeSpan breakDuration) =>
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = breakDuration,
                StateProvider = _state,
                ShouldHandle = new PredicateBuilder().Handle<ServiceException>(e => e.Code is ErrorCode.Unavailable or ErrorCode.DeadlineExceeded),
            })
            .Build();

    public ResiliencePipeline Pipeline { get; }

    /// <summary>Closed: calls may bypass <see cref="Pipeline"/> and report afterwards.</summary>
    public bool IsClosed => _state.CircuitState == CircuitState.Closed;

    public CircuitState State => _state.CircuitState;

    /// <summary>
    /// Feeds a finished call's outcome to the breaker (null: success). If the circuit opened while the call was in
    /// flight, Polly rejects the report without counting it; the caller keeps the answer it already has.
    /// </summary>
    public ValueTask ReportAsync(ServiceException? failure)
    {
        var context = ResilienceContextPool.Shared.Get();
        var pending = Pipeline.ExecuteOutcomeAsync(
            static (_, f) => ValueTask.FromResult(f is null ? Outcome.FromResult(true) : Outcome.FromException<bool>(f)),
            context,
            failure);
        if (pending.IsCompletedSuccessfully)
        {
            // No state-change callbacks are configured, so this is the path every report takes.
            _ = pending.Result;
            ResilienceContextPool.Shared.Return(context);
            return ValueTask.CompletedTask;
        }

        return AwaitAsync(pending, context);

        static async ValueTask AwaitAsync(ValueTask<Outcome<bool>> pending, ResilienceContext context)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }
}

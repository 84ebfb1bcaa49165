using GamingSystem.Contracts.AiRouter.V1;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.AiRouter;

/// <summary>
/// One model's circuit and counters. Closed: every call goes through and <see cref="BreakerOptions.FailuresToOpen"/>
/// failures in a row open it. Open: calls are refused until the break is over. Half-open: one trial call at a time;
/// its success closes the circuit, its failure opens it for another break. Consecutive failures rather than a failure
/// ratio, because a router sees few calls per model and must stop sending players to a dead model after a handful.
/// </summary>
public sealed class ModelBreaker(string modelId, BreakerOptions options, TimeProvider time)
{
    public const string Closed = "closed";
    public const string Open = "open";
    public const string HalfOpen = "half_open";

    private readonly Lock _lock = new();
    private long _calls;
    private long _failures;
    private long _succeededLatencyMs;
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;
    private string _lastError = string.Empty;
    private DateTimeOffset? _lastFailureAt;

    public string ModelId { get; } = modelId;

    /// <summary>Whether a call may go to the model now; in half-open state this claims the one trial.</summary>
    public bool TryAcquire()
    {
        lock (_lock)
        {
            if (_openUntil is not { } until)
            {
                return true;
            }

            if (time.GetUtcNow() < until || _trialInFlight)
            {
                return false;
            }

            _trialInFlight = true;
            return true;
        }
    }

    public void Succeeded(long latencyMs)
    {
        lock (_lock)
        {
            _calls++;
            _succeededLatencyMs += latencyMs;
            _consecutiveFailures = 0;
            _openUntil = null;
            _trialInFlight = false;
        }
    }

    public void Failed(string error)
    {
        lock (_lock)
        {
            _calls++;
            _failures++;
            _consecutiveFailures++;
            _lastError = error;
            _lastFailureAt = time.GetUtcNow();
            if (_trialInFlight || _consecutiveFailures >= options.FailuresToOpen)
            {
                _openUntil = time.GetUtcNow() + options.BreakDuration;
            }

            _trialInFlight = false;
        }
    }

    /// <summary>A call that ended with neither verdict (the caller went away, or the request was at fault): frees the trial.</summary>
    public void Released()
    {
        lock (_lock)
        {
            _trialInFlight = false;
        }
    }

    public string State
    {
        get
        {
            lock (_lock)
            {
                return StateLocked();
            }
        }
    }

    public ModelStats Snapshot()
    {
        lock (_lock)
        {
            var succeeded = _calls - _failures;
            return new ModelStats
            {
                ModelId = ModelId,
                Calls = _calls,
                Failures = _failures,
                AverageLatencyMs = succeeded == 0 ? 0 : _succeededLatencyMs / succeeded,
                Circuit = StateLocked(),
                LastError = _lastError,
                LastFailureAt = _lastFailureAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
                ConsecutiveFailures = _consecutiveFailures,
            };
        }
    }

    private string StateLocked() => _openUntil is not { } until ? Closed : time.GetUtcNow() < until ? Open : HalfOpen;
}

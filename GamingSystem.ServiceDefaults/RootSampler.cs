using System.Diagnostics;
using OpenTelemetry.Trace;

namespace GamingSystem.ServiceDefaults;

/// <summary>
/// Decides whether a trace that begins in this process is recorded; the rest of a trace follows its root
/// (<see cref="ParentBasedSampler"/>), and a dropped root still propagates its context, so the services it calls
/// drop their side of it too. Two rules:
/// <list type="bullet">
/// <item>The system's own background chatter is never recorded: capability-registry heartbeats (every service,
/// every few seconds) and NATS micro discovery (<c>$SRV.PING/INFO/STATS</c>, which performance-mode polls). Left in,
/// they bury a developer's requests in the dashboard, as health probes would.</item>
/// <item>At most a budget of roots a second is recorded, with bursts of up to one second's worth: a developer
/// clicking through the game sees every request, and a load test does not spend the machine recording thousands
/// of alike traces a second. Metrics still count every request.</item>
/// </list>
/// </summary>
public sealed class RootSampler : Sampler
{
    private static readonly string[] ChatterPrefixes = ["svc.capability_registry.v1.heartbeat", "$SRV."];

    private readonly bool _none;
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly Func<long> _clock;

    // A generic cell rate algorithm, one compare-and-swap per root: the time (Stopwatch ticks) by which the roots
    // recorded so far would have been spread out at the budget's rate. A root is recorded unless that time lies
    // more than a second's burst ahead of now.
    private long _theoretical;

    /// <param name="tracesPerSecond">Roots recorded per second at most; 0 records none.</param>
    /// <param name="clock">Stopwatch ticks; a test passes its own.</param>
    public RootSampler(double tracesPerSecond, Func<long>? clock = null)
    {
        if (!double.IsFinite(tracesPerSecond) || tracesPerSecond < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tracesPerSecond), tracesPerSecond, "must be a number of traces per second, 0 or more");
        }

        Description = $"{nameof(RootSampler)}({tracesPerSecond}/s)";
        _clock = clock ?? Stopwatch.GetTimestamp;
        _none = tracesPerSecond == 0;
        _interval = _none ? 0 : Math.Max(1, (long)(Stopwatch.Frequency / tracesPerSecond));
        _tolerance = Math.Max(0, Stopwatch.Frequency - _interval);
        _theoretical = _clock();
    }

    public static bool IsChatter(string spanName) => ChatterPrefixes.Any(prefix => spanName.StartsWith(prefix, StringComparison.Ordinal));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(!IsChatter(samplingParameters.Name) && TakeOne() ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);

    private bool TakeOne()
    {
        if (_none)
        {
            return false;
        }

        var now = _clock();
        while (true)
        {
            var theoretical = Volatile.Read(ref _theoretical);
            if (theoretical - now > _tolerance)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _theoretical, Math.Max(theoretical, now) + _interval, theoretical) == theoretical)
            {
                return true;
            }
        }
    }
}

using OpenTelemetry.Trace;

namespace GamingSystem.ServiceDefaults;

/// <summary>
/// Keeps the system's own background chatter out of traces: capability-registry heartbeats (every service, every
/// few seconds) and NATS micro discovery (<c>$SRV.PING/INFO/STATS</c>, which performance-mode polls). Left in, they
/// bury a developer's requests in the dashboard, as health probes would. Only a trace's root is judged here; the
/// rest follow their parent (<see cref="ParentBasedSampler"/>), and a dropped root still propagates its context,
/// so the receiving service drops its side of the call too.
/// </summary>
public sealed class ChatterSampler : Sampler
{
    private static readonly string[] ChatterPrefixes = ["svc.capability_registry.v1.heartbeat", "$SRV."];

    public ChatterSampler() => Description = nameof(ChatterSampler);

    public static bool IsChatter(string spanName) => ChatterPrefixes.Any(prefix => spanName.StartsWith(prefix, StringComparison.Ordinal));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(IsChatter(samplingParameters.Name) ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
}

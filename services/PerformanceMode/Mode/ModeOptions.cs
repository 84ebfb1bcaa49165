namespace GamingSystem.PerformanceMode.Mode;

/// <summary>
/// How the server mode is derived from the services' NATS micro stats (section <c>PerformanceMode:Mode</c>).
/// A service is <em>strained</em> when its mean latency over the window reaches <see cref="DegradedLatencyMs"/>,
/// its own failures reach <see cref="DegradedServerErrorRate"/> of its requests, or some of its instances stopped
/// answering; <em>failing</em> at <see cref="SurvivalLatencyMs"/>, <see cref="SurvivalServerErrorRate"/>, or when
/// none of its instances answers. Any strained or failing service makes the mode DEGRADED; SURVIVAL needs
/// <see cref="SurvivalServices"/> failing services at once, because survival sends every AI-backed service to its
/// fallback, which one broken service does not justify.
/// </summary>
public sealed class ModeOptions
{
    public const string SectionName = "PerformanceMode:Mode";

    /// <summary>How often <c>$SRV.STATS</c> is asked.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long replies to one stats request are collected.</summary>
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>The span the rates and latencies are computed over.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An instance that answered before and has been silent this long is unresponsive.</summary>
    public TimeSpan UnresponsiveAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An instance silent this long is taken for gone (stopped or replaced) and no longer counted.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromSeconds(30);

    public double DegradedLatencyMs { get; set; } = 2000;

    public double SurvivalLatencyMs { get; set; } = 8000;

    public double DegradedServerErrorRate { get; set; } = 0.2;

    public double SurvivalServerErrorRate { get; set; } = 0.5;

    /// <summary>Below this many requests in the window an error rate is not judged: two failures of three calls is noise.</summary>
    public int MinRequestsForErrorRate { get; set; } = 5;

    public int SurvivalServices { get; set; } = 3;
}

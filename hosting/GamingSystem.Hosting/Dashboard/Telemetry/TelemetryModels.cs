namespace GamingSystem.Hosting.Dashboard.Telemetry;

public sealed record SpanData(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    string Kind,
    string Resource,
    string Instance,
    string Scope,
    DateTimeOffset Start,
    double DurationMs,
    bool IsError,
    string StatusMessage,
    IReadOnlyDictionary<string, string> Attributes);

public sealed record TraceSummary(
    string TraceId,
    string Name,
    string RootResource,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    bool HasError,
    IReadOnlyList<string> Resources);

public sealed record TraceDetail(TraceSummary Summary, IReadOnlyList<SpanData> Spans);

public sealed record LogData(
    long Sequence,
    DateTimeOffset Timestamp,
    string Resource,
    string Instance,
    string Level,
    string Message,
    string Category,
    string TraceId,
    string SpanId,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>One point of a series: a counter or gauge value, or a histogram's running count and sum.</summary>
public sealed record MetricPoint(DateTimeOffset Time, double Value, double Count, double Sum);

public sealed record MetricSeries(string Resource, string Name, string Unit, string Kind, string Description, IReadOnlyList<MetricPoint> Points);

public static class LogLevels
{
    public static readonly string[] All = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    /// <summary>OTLP severity numbers 1-24 in bands of four.</summary>
    public static string FromSeverity(int severity) => severity switch
    {
        <= 0 => "Information",
        <= 4 => "Trace",
        <= 8 => "Debug",
        <= 12 => "Information",
        <= 16 => "Warning",
        <= 20 => "Error",
        _ => "Critical",
    };

    public static int Rank(string level) => Array.IndexOf(All, level);
}

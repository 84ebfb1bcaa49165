using System.Collections.Concurrent;
using GamingSystem.Hosting.Dashboard.Otlp;

namespace GamingSystem.Hosting.Dashboard.Telemetry;

/// <summary>Limits that keep the dashboard's memory bounded.</summary>
public sealed class TelemetryLimits
{
    public int MaxSpans { get; set; } = 20_000;

    public int MaxLogs { get; set; } = 20_000;

    public int MaxPointsPerSeries { get; set; } = 360;

    public int MaxSeries { get; set; } = 2_000;
}

/// <summary>
/// What the services export over OTLP, kept in ring buffers: the newest spans, log records and metric points.
/// Readers get snapshots; <see cref="Changed"/> tells live pages that something arrived.
/// </summary>
public sealed class TelemetryStore(TelemetryLimits limits)
{
    private readonly RingBuffer<SpanData> _spans = new(limits.MaxSpans);
    private readonly RingBuffer<LogData> _logs = new(limits.MaxLogs);
    private readonly ConcurrentDictionary<string, SeriesBuffer> _series = new();
    private long _logSequence;

    public TelemetryStore()
        : this(new TelemetryLimits())
    {
    }

    public event Action<string>? Changed;

    public void Add(ExportTraceServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var (service, instance) = OtlpValues.Identify(resourceSpans.Resource);
            foreach (var scope in resourceSpans.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    var start = OtlpValues.Time(span.StartTimeUnixNano);
                    _spans.Add(new SpanData(
                        OtlpValues.Hex(span.TraceId),
                        OtlpValues.Hex(span.SpanId),
                        OtlpValues.Hex(span.ParentSpanId),
                        span.Name,
                        span.Kind.ToString(),
                        service,
                        instance,
                        scope.Scope?.Name ?? string.Empty,
                        start,
                        Math.Max(0, (span.EndTimeUnixNano - (double)span.StartTimeUnixNano) / 1_000_000d),
                        span.Status?.Code == Status.Types.StatusCode.Error,
                        span.Status?.Message ?? string.Empty,
                        OtlpValues.Attributes(span.Attributes)));
                }
            }
        }

        Changed?.Invoke("traces");
    }

    public void Add(ExportLogsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var (service, instance) = OtlpValues.Identify(resourceLogs.Resource);
            foreach (var scope in resourceLogs.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    _logs.Add(new LogData(
                        Interlocked.Increment(ref _logSequence),
                        OtlpValues.Time(time),
                        service,
                        instance,
                        LogLevels.FromSeverity((int)record.SeverityNumber),
                        OtlpValues.Text(record.Body),
                        scope.Scope?.Name ?? string.Empty,
                        OtlpValues.Hex(record.TraceId),
                        OtlpValues.Hex(record.SpanId),
                        OtlpValues.Attributes(record.Attributes)));
                }
            }
        }

        Changed?.Invoke("logs");
    }

    public void Add(ExportMetricsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var (service, _) = OtlpValues.Identify(resourceMetrics.Resource);
            foreach (var metric in resourceMetrics.ScopeMetrics.SelectMany(s => s.Metrics))
            {
                // Attribute sets are summed: the dashboard charts a metric per resource.
                var (kind, point) = metric.DataCase switch
                {
                    Metric.DataOneofCase.Sum when metric.Sum.DataPoints.Count > 0 => ("sum", Total(metric.Sum.DataPoints)),
                    Metric.DataOneofCase.Gauge when metric.Gauge.DataPoints.Count > 0 => ("gauge", Total(metric.Gauge.DataPoints)),
                    Metric.DataOneofCase.Histogram when metric.Histogram.DataPoints.Count > 0 => ("histogram", Total(metric.Histogram.DataPoints)),
                    _ => (null, null),
                };
                if (kind is null || point is null)
                {
                    continue;
                }

                var key = $"{service}\n{metric.Name}";
                if (!_series.ContainsKey(key) && _series.Count >= limits.MaxSeries)
                {
                    continue;
                }

                var series = _series.GetOrAdd(key, _ => new SeriesBuffer(service, metric.Name, metric.Unit, kind, metric.Description, limits.MaxPointsPerSeries));
                series.Points.Add(point);
            }
        }

        Changed?.Invoke("metrics");
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<TraceSummary> GetTraces(string? resource = null, string? text = null, int limit = 100)
    {
        var summaries = _spans.Snapshot()
            .GroupBy(s => s.TraceId)
            .Select(g => Summarize(g.ToList()))
            .Where(t => resource is null || t.Resources.Contains(resource, StringComparer.Ordinal))
            .Where(t => string.IsNullOrEmpty(text) || t.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || t.TraceId.StartsWith(text, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(t => t.Start)
            .Take(limit);
        return [.. summaries];
    }

    public TraceDetail? GetTrace(string traceId)
    {
        var spans = _spans.Snapshot().Where(s => s.TraceId.Equals(traceId, StringComparison.OrdinalIgnoreCase)).OrderBy(s => s.Start).ToList();
        return spans.Count == 0 ? null : new TraceDetail(Summarize(spans), spans);
    }

    /// <summary>Newest first, filtered by resource, minimum level and text (message, category or attribute value).</summary>
    public IReadOnlyList<LogData> GetLogs(string? resource = null, string? minLevel = null, string? text = null, string? traceId = null, int limit = 500)
    {
        var rank = minLevel is null ? 0 : Math.Max(0, LogLevels.Rank(minLevel));
        var logs = _logs.Snapshot()
            .Where(l => resource is null || l.Resource == resource)
            .Where(l => LogLevels.Rank(l.Level) >= rank)
            .Where(l => traceId is null || l.TraceId.Equals(traceId, StringComparison.OrdinalIgnoreCase))
            .Where(l => string.IsNullOrEmpty(text)
                || l.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
                || l.Category.Contains(text, StringComparison.OrdinalIgnoreCase)
                || l.Attributes.Values.Any(v => v.Contains(text, StringComparison.OrdinalIgnoreCase)))
            .Reverse()
            .Take(limit);
        return [.. logs];
    }

    public IReadOnlyList<MetricSeries> GetMetrics(string? resource = null, string? name = null) =>
        [.. _series.Values
            .Where(s => resource is null || s.Resource == resource)
            .Where(s => name is null || s.Name == name)
            .OrderBy(s => s.Resource, StringComparer.Ordinal)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new MetricSeries(s.Resource, s.Name, s.Unit, s.Kind, s.Description, s.Points.Snapshot()))];

    private static TraceSummary Summarize(List<SpanData> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        // The root is the span without a parent here; with part of a trace missing, the earliest one.
        var root = spans.Where(s => s.ParentSpanId.Length == 0 || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.Start.AddMilliseconds(s.DurationMs));
        return new TraceSummary(
            root.TraceId,
            root.Name,
            root.Resource,
            start,
            (end - start).TotalMilliseconds,
            spans.Count,
            spans.Any(s => s.IsError),
            [.. spans.Select(s => s.Resource).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    private static MetricPoint Total(IEnumerable<NumberDataPoint> points)
    {
        var list = points.ToList();
        var value = list.Sum(p => p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble);
        return new MetricPoint(OtlpValues.Time(list.Max(p => p.TimeUnixNano)), value, 0, 0);
    }

    private static MetricPoint Total(IEnumerable<HistogramDataPoint> points)
    {
        var list = points.ToList();
        var count = list.Sum(p => (double)p.Count);
        var sum = list.Sum(p => p.HasSum ? p.Sum : 0);
        return new MetricPoint(OtlpValues.Time(list.Max(p => p.TimeUnixNano)), count == 0 ? 0 : sum / count, count, sum);
    }

    private sealed class SeriesBuffer(string resource, string name, string unit, string kind, string description, int capacity)
    {
        public string Resource { get; } = resource;

        public string Name { get; } = name;

        public string Unit { get; } = unit;

        public string Kind { get; } = kind;

        public string Description { get; } = description;

        public RingBuffer<MetricPoint> Points { get; } = new(capacity);
    }
}

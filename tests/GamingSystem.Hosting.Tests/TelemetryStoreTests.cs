using GamingSystem.Hosting.Dashboard.Otlp;
using GamingSystem.Hosting.Dashboard.Telemetry;
using Google.Protobuf;

namespace GamingSystem.Hosting.Tests;

/// <summary>The dashboard's telemetry memory: bounded, and queried the way its pages ask.</summary>
public sealed class TelemetryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Spans_beyond_the_limit_drop_the_oldest()
    {
        var store = new TelemetryStore(new TelemetryLimits { MaxSpans = 100 });

        for (var i = 0; i < 1_000; i++)
        {
            store.Add(Traces("gateway", Span(TraceId(i), SpanId(i), parent: null, $"request {i}", T0.AddMilliseconds(i), 5)));
        }

        var traces = store.GetTraces(limit: 1_000);
        Assert.Equal(100, traces.Count);
        Assert.Equal("request 999", traces[0].Name);
        Assert.Equal("request 900", traces[^1].Name);
        Assert.Null(store.GetTrace(Convert.ToHexStringLower(TraceId(0).Span)));
    }

    [Fact]
    public void A_trace_from_two_services_is_one_summary_rooted_at_the_caller()
    {
        var store = new TelemetryStore();
        var trace = TraceId(7);

        store.Add(Traces("gateway", Span(trace, SpanId(1), parent: null, "PUT /api/v1/state/{**key}", T0, 20)));
        store.Add(Traces("state-manager", Span(trace, SpanId(2), parent: SpanId(1), "svc.state_manager.v1.put process", T0.AddMilliseconds(5), 10, error: true)));

        var summary = Assert.Single(store.GetTraces());
        Assert.Equal("PUT /api/v1/state/{**key}", summary.Name);
        Assert.Equal("gateway", summary.RootResource);
        Assert.Equal(["gateway", "state-manager"], summary.Resources);
        Assert.Equal(2, summary.SpanCount);
        Assert.True(summary.HasError);
        Assert.Equal(20, summary.DurationMs, precision: 3);
        Assert.Single(store.GetTraces(resource: "state-manager"));
        Assert.Empty(store.GetTraces(resource: "nats"));
    }

    [Fact]
    public void Logs_filter_by_resource_minimum_level_and_text_newest_first()
    {
        var store = new TelemetryStore();
        store.Add(Logs("state-manager", (SeverityNumber.Info, "Stored k1 at version 1"), (SeverityNumber.Warn, "slow Redis"), (SeverityNumber.Error, "Put failed")));
        store.Add(Logs("gateway", (SeverityNumber.Info, "Stored nothing")));

        Assert.Equal(["Put failed", "slow Redis"], store.GetLogs(resource: "state-manager", minLevel: "Warning").Select(l => l.Message));
        Assert.Equal(["Stored nothing", "Stored k1 at version 1"], store.GetLogs(text: "stored").Select(l => l.Message));
        Assert.Equal("Error", store.GetLogs(text: "failed").Single().Level);
    }

    [Fact]
    public void Histogram_attribute_sets_are_summed_per_resource_and_metric()
    {
        var store = new TelemetryStore();
        var metric = new Metric { Name = "gaming.rpc.server.duration", Unit = "s", Histogram = new Histogram() };
        metric.Histogram.DataPoints.Add(new HistogramDataPoint { Count = 10, Sum = 0.5, TimeUnixNano = Nanos(T0) });
        metric.Histogram.DataPoints.Add(new HistogramDataPoint { Count = 30, Sum = 1.5, TimeUnixNano = Nanos(T0) });
        var request = new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { Resource = Resource("state-manager"), ScopeMetrics = { new ScopeMetrics { Metrics = { metric } } } } } };

        store.Add(request);

        var series = Assert.Single(store.GetMetrics(resource: "state-manager"));
        var point = Assert.Single(series.Points);
        Assert.Equal("histogram", series.Kind);
        Assert.Equal(40, point.Count);
        Assert.Equal(2.0, point.Sum, precision: 6);
        Assert.Equal(0.05, point.Value, precision: 6);
    }

    private static ByteString TraceId(int n) => ByteString.CopyFrom([.. BitConverter.GetBytes((long)n + 1), .. new byte[8]]);

    private static ByteString SpanId(int n) => ByteString.CopyFrom(BitConverter.GetBytes((long)n + 1));

    private static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static Resource Resource(string service) =>
        new() { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } };

    private static Span Span(ByteString trace, ByteString span, ByteString? parent, string name, DateTimeOffset start, double durationMs, bool error = false) => new()
    {
        TraceId = trace,
        SpanId = span,
        ParentSpanId = parent ?? ByteString.Empty,
        Name = name,
        StartTimeUnixNano = Nanos(start),
        EndTimeUnixNano = Nanos(start.AddMilliseconds(durationMs)),
        Status = new Status { Code = error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
    };

    private static ExportTraceServiceRequest Traces(string service, Span span) =>
        new() { ResourceSpans = { new ResourceSpans { Resource = Resource(service), ScopeSpans = { new ScopeSpans { Spans = { span } } } } } };

    private static ExportLogsServiceRequest Logs(string service, params (SeverityNumber Severity, string Message)[] records)
    {
        var scope = new ScopeLogs();
        var time = T0;
        foreach (var (severity, message) in records)
        {
            time = time.AddMilliseconds(1);
            scope.LogRecords.Add(new LogRecord { SeverityNumber = severity, Body = new AnyValue { StringValue = message }, TimeUnixNano = Nanos(time) });
        }

        return new() { ResourceLogs = { new ResourceLogs { Resource = Resource(service), ScopeLogs = { scope } } } };
    }
}

using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NATS.Client.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class TelemetryExtensions
{
    private const string OtlpTimeoutKey = "OTEL_EXPORTER_OTLP_TIMEOUT";
    private const string DefaultOtlpTimeoutMilliseconds = "1000";

    /// <summary>Aspire's switch for its Redis command spans: this system sets it to true (no spans) unless configured.</summary>
    public const string RedisTracingDisabledKey = "Aspire:StackExchange:Redis:DisableTracing";

    /// <summary>Set to true (the AppHost does when it runs Prometheus), the process serves its metrics at <c>/metrics</c> too.</summary>
    public const string PrometheusKey = "Telemetry:Prometheus";

    public const string PrometheusPath = "/metrics";

    /// <summary>How many traces a second this process begins at most (default <see cref="DefaultTracesPerSecond"/>; 0: none).</summary>
    public const string TracesPerSecondKey = "Telemetry:TracesPerSecond";

    public const double DefaultTracesPerSecond = 100;

    /// <summary>
    /// Logs, metrics and traces for ASP.NET Core, HttpClient, the runtime and the messaging SDK (NATS and Redis add
    /// their own in <c>AddNatsClient</c> and <c>AddRedisClient</c>, Redis only when asked);
    /// exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost sets it).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Per-request framework lines (health probes every few seconds among them) and the OTLP exporter's
        // own HTTP calls would drown what the services say; a more specific category in configuration still wins.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Warning);

        // Aspire's Redis spans keep every command's profile, with the span it ran under, for ten seconds before they
        // are written (a fixed interval): at a few thousand requests a second that retained garbage doubled the
        // gateway's p99 (docs/benchmarks.md, "Telemetry on the request path"). A handler's own span still shows the
        // time it spent; set Aspire__StackExchange__Redis__DisableTracing=false to see each command.
        builder.Configuration[RedisTracingDisabledKey] ??= "true";

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var tracesPerSecond = TracesPerSecond(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNatsClientInstrumentation()
                .AddMeter(MessagingTelemetry.MeterName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new GamingSystem.ServiceDefaults.RootSampler(tracesPerSecond)))
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes arrive every few seconds; tracing them buries real requests.
                    options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(MessagingTelemetry.ActivitySourceName));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // A stopping process flushes each signal once more; when the collector is already gone (the AppHost
            // and its dashboard were killed), the default 10 s per export would hold every service that long.
            builder.Configuration[OtlpTimeoutKey] ??= DefaultOtlpTimeoutMilliseconds;
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        if (PrometheusEnabled(builder.Configuration))
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        return builder;
    }

    /// <summary>The trace budget from configuration; anything but a number of zero or more stops the start, saying so.</summary>
    internal static double TracesPerSecond(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var text = configuration[TracesPerSecondKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultTracesPerSecond;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= 0
            ? value
            : throw new InvalidOperationException($"{TracesPerSecondKey} is '{text}': it must be a number of traces per second, 0 or more (0: no trace begins here)");
    }

    internal static bool PrometheusEnabled(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        bool.TryParse(configuration[PrometheusKey], out var enabled) && enabled;

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath) || path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath)
        || path.StartsWithSegments(PrometheusPath);
}

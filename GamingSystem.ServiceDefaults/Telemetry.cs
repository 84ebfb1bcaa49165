using GamingSystem.ServiceDefaults;
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
    /// <summary>
    /// Logs, metrics and traces for ASP.NET Core, HttpClient, the runtime, NATS, Redis and the messaging SDK;
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

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNatsClientInstrumentation()
                .AddMeter(MessagingTelemetry.MeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes arrive every few seconds; tracing them buries real requests.
                    options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNatsClientInstrumentation(options => options.SpanDestinationNameFormatter = SpanDestination)
                .AddSource(MessagingTelemetry.ActivitySourceName, RedisTelemetry.ActivitySourceName));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// NATS.Net names spans by the first two subject tokens to bound cardinality; service subjects are one per
    /// proto method (svc.state_manager.v1.put), so they are kept whole, and reply inboxes are all "inbox".
    /// </summary>
    private static string SpanDestination(string subject) =>
        subject.StartsWith("_INBOX.", StringComparison.Ordinal) ? "inbox"
        : subject.StartsWith(ServiceSubjects.SubjectPrefix + ".", StringComparison.Ordinal) ? subject
        : string.Join('.', subject.Split('.').Take(2));

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath) || path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath);
}

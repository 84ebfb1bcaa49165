using GamingSystem.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every GamingSystem process starts with: telemetry, health checks and a resilient HttpClient,
/// as Aspire's service defaults template sets them up.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddSecretFiles();
        builder.TrustDevelopmentCa();
        // StackExchange.Redis otherwise starts a pool of ten threads of its own in every process; the runtime's pool
        // serves its few connections as well, and two dozen processes on one machine each keep ten stacks fewer.
        builder.Services.ConfigureAll<StackExchange.Redis.ConfigurationOptions>(options => options.SocketManager = StackExchange.Redis.SocketManager.ThreadPool);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscoveryFreeHttpDefaults();
        return builder;
    }

    /// <summary>
    /// Secrets the AppHost hands this process (its own NATS and Redis credentials, the gateway's signing key) come
    /// as files, one per configuration key, in the folder <see cref="ProcessSettings.SecretsDirectory"/> names:
    /// never in the environment, which the dashboard shows. They override what the environment says.
    /// </summary>
    public static TBuilder AddSecretFiles<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (Environment.GetEnvironmentVariable(ProcessSettings.SecretsDirectory) is { Length: > 0 } folder)
        {
            builder.Configuration.AddKeyPerFile(folder, optional: false);
        }

        return builder;
    }

    /// <summary>
    /// With TLS on, Redis connections trust the CA the AppHost made for the run (<see cref="ProcessSettings.TlsCaFile"/>)
    /// and nothing else; NATS reads the same setting (<c>AddNatsClient</c>).
    /// </summary>
    private static void TrustDevelopmentCa<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration[ProcessSettings.TlsCaFile] is { Length: > 0 } caFile)
        {
            builder.Services.ConfigureAll<StackExchange.Redis.ConfigurationOptions>(options => options.TrustIssuer(caFile));
        }
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready, every check passes. <c>/alive</c>: the process answers (checks tagged "live").
    /// <c>/metrics</c> in Prometheus' format when <c>Telemetry:Prometheus</c> is true.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        if (TelemetryExtensions.PrometheusEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(TelemetryExtensions.PrometheusPath);
        }

        return app;
    }

    private static IServiceCollection AddServiceDiscoveryFreeHttpDefaults(this IServiceCollection services)
    {
        // Services reach each other over NATS; HttpClient is for outside calls (an LLM provider), which
        // get the standard resilience pipeline.
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        return services;
    }
}

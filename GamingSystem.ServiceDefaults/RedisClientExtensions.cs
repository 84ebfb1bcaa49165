using System.Diagnostics;
using GamingSystem.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Settings bound from <c>Aspire:StackExchange:Redis</c>, as Aspire's Redis client integration names them.</summary>
public sealed class RedisClientSettings
{
    public const string SectionName = "Aspire:StackExchange:Redis";

    public string? ConnectionString { get; set; }

    public bool DisableHealthChecks { get; set; }

    public bool DisableTracing { get; set; }
}

public static class RedisClientExtensions
{
    public const string HealthCheckName = "StackExchange.Redis";

    /// <summary>
    /// Registers one <see cref="IConnectionMultiplexer"/> for the process, from <c>ConnectionStrings:{name}</c>
    /// (<c>host:port,password=...</c>), with a ping health check.
    /// </summary>
    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string connectionName, Action<RedisClientSettings>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new RedisClientSettings();
        builder.Configuration.GetSection(RedisClientSettings.SectionName).Bind(settings);
        settings.ConnectionString ??= builder.Configuration.GetConnectionString(connectionName);
        configure?.Invoke(settings);

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"Redis is not configured: set ConnectionStrings:{connectionName} (the AppHost does this for every project that references '{connectionName}').");
        }

        var options = ConfigurationOptions.Parse(settings.ConnectionString);
        // Keep retrying in the background instead of failing start-up while Redis restarts.
        options.AbortOnConnectFail = false;
        builder.Services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.TryAddSingleton(new RedisTelemetry(settings.DisableTracing));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                HealthCheckName,
                services => new RedisHealthCheck(services.GetRequiredService<IConnectionMultiplexer>()),
                failureStatus: default,
                tags: default));
        }

        return builder;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer PING", ex);
            }
        }
    }
}

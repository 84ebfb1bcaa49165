using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.OpenTelemetry;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Settings bound from <c>Aspire:NATS:Net</c> (and <c>Aspire:NATS:Net:{connectionName}</c>), as Aspire.NATS.Net names
/// them; that package is not served here, so this integration is ours, in its shape.
/// </summary>
public sealed class NatsClientSettings
{
    public const string SectionName = "Aspire:NATS:Net";

    public string? ConnectionString { get; set; }

    public bool DisableHealthChecks { get; set; }

    public bool DisableTracing { get; set; }
}

public static class NatsClientExtensions
{
    public const string HealthCheckName = "NATS";

    /// <summary>
    /// Registers one <see cref="INatsConnection"/> for the process, from <c>ConnectionStrings:{name}</c>
    /// (<c>nats://user:password@host:port</c>), with the protobuf serializer, a health check and tracing.
    /// </summary>
    public static TBuilder AddNatsClient<TBuilder>(this TBuilder builder, string connectionName, Action<NatsClientSettings>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new NatsClientSettings();
        var section = builder.Configuration.GetSection(NatsClientSettings.SectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configure?.Invoke(settings);

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"NATS is not configured: set ConnectionStrings:{connectionName} (the AppHost does this for every project that references '{connectionName}').");
        }

        builder.Services.TryAddSingleton<INatsConnection>(services => new NatsConnection(CreateOptions(settings.ConnectionString, services)));
        builder.Services.AddServiceClient();

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                HealthCheckName,
                services => new NatsHealthCheck(services.GetRequiredService<INatsConnection>()),
                failureStatus: default,
                tags: default));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
                .AddNatsClientInstrumentation(options => options.SpanDestinationNameFormatter = SpanDestination));
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

    internal static NatsOpts CreateOptions(string connectionString, IServiceProvider services)
    {
        // A cluster's nodes may be listed (tls://user:pass@nats-0:4222,tls://user:pass@nats-1:4222): the client
        // connects to any that answers; the credentials are those of the first.
        var uris = connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToList();
        var uri = uris[0];
        var opts = NatsOpts.Default with
        {
            Url = string.Join(',', uris.Select(u => $"{u.Scheme}://{u.Host}:{u.Port}")),
            Name = services.GetService<IHostEnvironment>()?.ApplicationName ?? "gaming",
            LoggerFactory = services.GetRequiredService<ILoggerFactory>(),
            SerializerRegistry = ProtobufSerializerRegistry.Instance,
            // A mesh should notice a dead connection in seconds, not the default two minutes.
            PingInterval = TimeSpan.FromSeconds(10),
            MaxPingOut = 2,
            // Wide jitter so many services that lost NATS together do not reconnect in one storm.
            ReconnectJitter = TimeSpan.FromSeconds(1),
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(5),
            MaxReconnectRetry = -1,
            RetryOnInitialConnect = true,
        };

        if (uri.Scheme == "tls")
        {
            // tls:// asks for TLS; the server is verified against the CA the AppHost made for the run, when given.
            opts = opts with
            {
                TlsOpts = new NatsTlsOpts
                {
                    Mode = TlsMode.Require,
                    CaFile = services.GetService<IConfiguration>() is { } configuration
                        ? configuration[ProcessSettings.NatsTlsCaFile] ?? configuration[ProcessSettings.TlsCaFile]
                        : null,
                },
            };
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            opts = opts with
            {
                AuthOpts = NatsAuthOpts.Default with
                {
                    Username = Uri.UnescapeDataString(parts[0]),
                    Password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null,
                },
                // Replies come to inboxes under the user's name, the only ones its permissions let it subscribe
                // to: no process can read another's replies (docs/security.md).
                InboxPrefix = $"_INBOX.{Uri.UnescapeDataString(parts[0])}",
            };
        }

        return opts;
    }

    private sealed class NatsHealthCheck(INatsConnection connection) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (connection.ConnectionState == NatsConnectionState.Closed)
            {
                // NATS.Net connects on first use; a process that has sent nothing yet is still ready to.
                await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection.ConnectionState switch
            {
                NatsConnectionState.Open => HealthCheckResult.Healthy(),
                NatsConnectionState.Reconnecting => HealthCheckResult.Degraded("reconnecting to NATS"),
                _ => HealthCheckResult.Unhealthy($"NATS connection is {connection.ConnectionState}"),
            };
        }
    }
}

using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Aspire.Hosting;

/// <summary><c>AddRedis</c>, shaped like Aspire.Hosting.Redis, for a redis-server that runs as a process.</summary>
public static class RedisServerBuilderExtensions
{
    /// <summary>The image the manifest names for deployment; local runs use Debian's redis-server.</summary>
    public const string PublishedImage = "docker.io/library/redis:7.4.2";

    private const string ContainerDataPath = "/data";

    /// <summary>
    /// Adds a redis-server: in run mode a process on a free loopback port with a password generated for the app,
    /// append-only persistence, its configuration in a file only this user can read, and a PING health check;
    /// in the manifest, the official container image with a data volume.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedis(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? password = null)
    {
        var server = builder.AddServer(name, "redis-server", password,
            (command, passwordParameter) => new RedisServerResource(name, command, builder.AppHostDirectory, passwordParameter),
            WriteConfigurationAsync);
        var redis = server.Resource;

        // One connection for the health check, made once the address is known; with TLS it trusts the run's CA only.
        Lazy<IConnectionMultiplexer>? connection = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (@event, cancellationToken) =>
        {
            var options = ConfigurationOptions.Parse(await redis.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "");
            options.AbortOnConnectFail = false;
            if (redis.TlsEnabled)
            {
                options.TrustIssuer(Security.DevelopmentCertificates.For(@event.Services.GetRequiredService<RunFiles>()).CaFile);
            }

            connection = new(() => ConnectionMultiplexer.Connect(options));
        });
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connection?.Value ?? throw new InvalidOperationException($"The connection string of '{name}' is not known yet."),
            name: healthCheckKey);

        return server
            .WithEndpoint(name: RedisServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .WithArgs(context =>
            {
                var files = context.ExecutionContext.Services.GetRequiredService<RunFiles>();
                context.Args.Add(ConfigurationPath(redis, files));
                context.Args.Add("--bind");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.Host));
                // With TLS the one port speaks TLS only: plaintext clients are refused.
                context.Args.Add("--port");
                context.Args.Add(redis.TlsEnabled ? "0" : redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                if (redis.TlsEnabled)
                {
                    context.Args.Add("--tls-port");
                    context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                }
            })
            .PublishAsContainer(PublishedImage, container => container
                .WithEndpoint(targetPort: 6379, name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
                .WithVolume($"{name}-data", ContainerDataPath)
                .WithArgs(context =>
                {
                    // The same users as a local run, minus the per-service ones, which deploy/ generates.
                    context.Args.Add("--user");
                    context.Args.Add("default");
                    context.Args.Add("off");
                    context.Args.Add("--user");
                    context.Args.Add(RedisServerResource.OperatorUserName);
                    context.Args.Add("on");
                    context.Args.Add(ReferenceExpression.Create($">{redis.PasswordParameter}"));
                    context.Args.Add("~*");
                    context.Args.Add("&*");
                    context.Args.Add("+@all");
                    context.Args.Add("--appendonly");
                    context.Args.Add("yes");
                    context.Args.Add("--dir");
                    context.Args.Add(ContainerDataPath);
                }));
    }

    /// <summary>
    /// A service's ACL: its own keys, no pub/sub channels, and the categories its data access needs (reads, writes,
    /// scripts, transactions, connection upkeep) without the dangerous commands those categories include (KEYS,
    /// FLUSHALL, DEBUG, CONFIG, ...). Plus the cluster's layout (CLUSTER NODES, SLOTS, SHARDS: read-only), which the
    /// client asks for to route each key to its primary in a Redis Cluster; a single server answers it with an error.
    /// </summary>
    internal static string AclRule(Security.RedisUser user) =>
        $"user {user.Name} on >{user.Password} resetchannels ~{user.KeyPattern} -@all +@connection +@read +@write +@scripting +@transaction -@dangerous " +
        "+cluster|nodes +cluster|slots +cluster|shards";

    private static string Tls(RedisServerResource redis, RunFiles files)
    {
        if (!redis.TlsEnabled)
        {
            return "";
        }

        var certificates = Security.DevelopmentCertificates.For(files);
        return $"""
            tls-cert-file "{certificates.CertificateFile}"
            tls-key-file "{certificates.KeyFile}"
            tls-ca-cert-file "{certificates.CaFile}"
            tls-auth-clients no
            """;
    }

    internal static string ConfigurationPath(RedisServerResource redis, RunFiles files) =>
        Path.Combine(files.DirectoryFor(redis.Name), "redis.conf");

    internal static async Task WriteConfigurationAsync(RedisServerResource redis, RunFiles files, CancellationToken cancellationToken)
    {
        var password = await redis.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var data = redis.DataDirectory ?? files.DirectoryFor(redis.Name, "data");
        Directory.CreateDirectory(data);
        // AOF only: RDB snapshots ("save") would duplicate it and pause the server while forking.
        RunFiles.WritePrivateFile(ConfigurationPath(redis, files), $"""
            # Generated by the GamingSystem AppHost for one run; deleted when it stops.
            protected-mode yes
            # Nobody connects without a user: the operator (health check, tools, tests) may do anything, each
            # service only its own keys, {"{name}"}:*, with the commands of data access.
            user default off
            user {RedisServerResource.OperatorUserName} on >{password} ~* &* +@all
            {string.Join(Environment.NewLine, redis.Users.Select(AclRule))}
            {Tls(redis, files)}
            appendonly yes
            save ""
            dir "{data}"
            daemonize no
            logfile ""

            """);
    }
}

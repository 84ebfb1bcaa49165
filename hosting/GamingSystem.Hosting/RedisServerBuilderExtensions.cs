using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
        var redis = builder.AddRedisProcess(name, password);
        return redis.PublishAsContainer(PublishedImage, container => container
                .WithEndpoint(targetPort: 6379, name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
                .WithVolume($"{name}-data", ContainerDataPath)
                .WithArgs(context =>
                {
                    // The same users as a local run, minus the per-service ones, which deploy/ generates. The default
                    // user replays the append-only file, so it keeps every permission, behind the operator's password.
                    context.Args.Add("--user");
                    context.Args.Add("default");
                    context.Args.Add("on");
                    context.Args.Add(ReferenceExpression.Create($">{redis.Resource.PasswordParameter}"));
                    context.Args.Add("~*");
                    context.Args.Add("&*");
                    context.Args.Add("+@all");
                    context.Args.Add("--user");
                    context.Args.Add(RedisServerResource.OperatorUserName);
                    context.Args.Add("on");
                    context.Args.Add(ReferenceExpression.Create($">{redis.Resource.PasswordParameter}"));
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
    /// In run mode, makes this server the first primary of a Redis Cluster of <paramref name="nodes"/> primaries on
    /// loopback, the hash slots split evenly: the others are resources of their own (<c>{name}-2</c>, ...) that can
    /// be stopped or killed one at a time, with the same users. This node starts once the others answer, and its
    /// health check joins them and assigns the slots the first time; it is healthy when every node sees every slot
    /// served. A node that comes back keeps its slots (its cluster file is in the run's folder) and its data (its
    /// append-only file); while one is down, the others serve their slots. Clients get every node's address. The
    /// manifest is unchanged: the deployment chooses its own Redis (deploy/).
    /// </summary>
    public static IResourceBuilder<RedisServerResource> WithCluster(this IResourceBuilder<RedisServerResource> builder, int nodes = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 3);
        var primary = builder.Resource;
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode || primary.ClusterNodes.Count > 0)
        {
            return builder;
        }

        primary.ClusterNodes.Add(primary);
        primary.BusPort = LoopbackPorts.Free();
        for (var number = 2; number <= nodes; number++)
        {
            var node = builder.ApplicationBuilder.AddRedisProcess($"{primary.Name}-{number}", builder.ApplicationBuilder.CreateResourceBuilder(primary.PasswordParameter), clusterNode: true);
            node.Resource.ClusterPrimary = primary;
            node.Resource.BusPort = LoopbackPorts.Free();
            node.WithParentRelationship(primary);
            primary.ClusterNodes.Add(node.Resource);
            builder.WaitFor(node);
        }

        var formation = new RedisClusterFormation(primary);
        var healthCheckKey = $"{primary.Name}_cluster";
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(primary, (@event, _) =>
        {
            formation.Services = @event.Services;
            return Task.CompletedTask;
        });
        builder.ApplicationBuilder.Services.AddHealthChecks().AddCheck(healthCheckKey, formation);
        return builder.WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// One redis-server process: its endpoint, its configuration file, and a health check: the server's state, or
    /// for one of a cluster's other nodes, which is healthy before the cluster is formed, only that it answers PING.
    /// </summary>
    private static IResourceBuilder<RedisServerResource> AddRedisProcess(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource>? password, bool clusterNode = false)
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
        IConnectionMultiplexer Connection() => connection?.Value ?? throw new InvalidOperationException($"The connection string of '{name}' is not known yet.");
        if (clusterNode)
        {
            builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async () =>
            {
                var connected = Connection();
                await connected.GetServer(connected.GetEndPoints(configuredOnly: true)[0]).PingAsync().ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            });
        }
        else
        {
            builder.Services.AddHealthChecks().AddRedis(_ => Connection(), name: healthCheckKey);
        }

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
            });
    }

    /// <summary>
    /// A service's ACL: its own keys, no pub/sub channels, and the categories its data access needs (reads, writes,
    /// scripts, transactions, connection upkeep) without the dangerous commands those categories include (KEYS,
    /// FLUSHALL, DEBUG, CONFIG, ...). Plus the cluster's layout and state (CLUSTER NODES, SLOTS, SHARDS, INFO: read-only): the
    /// client asks for the layout to route each key to its primary in a Redis Cluster, and the health check for the
    /// state; a single server answers them with an error.
    /// </summary>
    internal static string AclRule(Security.RedisUser user) =>
        $"user {user.Name} on >{user.Password} resetchannels ~{user.KeyPattern} -@all +@connection +@read +@write +@scripting +@transaction -@dangerous " +
        "+cluster|nodes +cluster|slots +cluster|shards +cluster|info";

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

    /// <summary>
    /// A cluster node's settings: its bus port, its cluster file beside its data, and its slots served while
    /// another node is down (the default would refuse every key until the whole cluster is back).
    /// </summary>
    private static string Cluster(RedisServerResource redis, RedisServerResource node, string data) => redis.ClusterNodes.Count == 0 ? "" : $"""
        cluster-enabled yes
        cluster-port {node.BusPort}
        cluster-config-file "{Path.Combine(data, "nodes.conf")}"
        cluster-node-timeout 2000
        cluster-require-full-coverage no
        """;

    internal static string ConfigurationPath(RedisServerResource redis, RunFiles files) =>
        Path.Combine(files.DirectoryFor(redis.Name), "redis.conf");

    internal static async Task WriteConfigurationAsync(RedisServerResource node, RunFiles files, CancellationToken cancellationToken)
    {
        // A cluster's other nodes are written from the settings and users of the node the app references.
        var redis = node.ClusterPrimary ?? node;
        var password = await redis.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var data = redis.DataDirectory is { } kept
            ? (node == redis ? kept : Path.Combine(kept, node.Name))
            : files.DirectoryFor(node.Name, "data");
        Directory.CreateDirectory(data);
        // AOF only: RDB snapshots ("save") would duplicate it and pause the server while forking.
        RunFiles.WritePrivateFile(ConfigurationPath(node, files), $"""
            # Generated by the GamingSystem AppHost for one run; deleted when it stops.
            protected-mode yes
            # Nobody connects without a user: the operator (health check, tools, tests) may do anything, each
            # service only its own keys, {"{name}"}:*, with the commands of data access. The default user keeps
            # every permission under a password made for this file and given to nobody: Redis 7.0 replays the
            # append-only file as the default user, and with that user off it refuses every MULTI/EXEC in it
            # (each Lua script's writes) with NOPERM, so a restarted server would come back without them.
            user default on >{Security.ServiceIdentities.NewPassword()} ~* &* +@all
            user {RedisServerResource.OperatorUserName} on >{password} ~* &* +@all
            {string.Join(Environment.NewLine, redis.Users.Select(AclRule))}
            {Tls(redis, files)}
            {Cluster(redis, node, data)}
            appendonly yes
            save ""
            dir "{data}"
            daemonize no
            logfile ""

            """);
    }
}

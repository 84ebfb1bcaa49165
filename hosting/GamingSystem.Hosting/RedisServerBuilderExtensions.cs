using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var passwordParameter = password?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var command = builder.ExecutionContext.IsRunMode ? ServerBinary.Locate("redis-server", "redis-server") : "redis-server";
        var redis = new RedisServerResource(name, command, builder.AppHostDirectory, passwordParameter);
        builder.Services.TryAddSingleton<RunFiles>();

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, (@event, cancellationToken) =>
            WriteConfigurationAsync(redis, @event.Services.GetRequiredService<RunFiles>(), cancellationToken));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not known yet."),
            name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .WithArgs(context =>
            {
                var files = context.ExecutionContext.Services.GetRequiredService<RunFiles>();
                context.Args.Add(ConfigurationPath(redis, files));
                context.Args.Add("--bind");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.Host));
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .PublishAsContainer(PublishedImage, container => container
                .WithEndpoint(targetPort: 6379, name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
                .WithVolume($"{name}-data", ContainerDataPath)
                .WithArgs(context =>
                {
                    context.Args.Add("--requirepass");
                    context.Args.Add(redis.PasswordParameter);
                    context.Args.Add("--appendonly");
                    context.Args.Add("yes");
                    context.Args.Add("--dir");
                    context.Args.Add(ContainerDataPath);
                }));
    }

    /// <summary>Keeps Redis' append-only file in <paramref name="path"/> (relative to the AppHost) across runs.</summary>
    public static IResourceBuilder<RedisServerResource> WithDataDirectory(this IResourceBuilder<RedisServerResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        builder.Resource.DataDirectory = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        return builder;
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
            requirepass "{password}"
            appendonly yes
            save ""
            dir "{data}"
            daemonize no
            logfile ""

            """);
    }
}

using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting;

/// <summary>AddNats, AddRedis, AddProject and AddParameter: the resources an AppHost declares.</summary>
public static class ServerResourceBuilderExtensions
{
    /// <summary>A nats-server on a free loopback port, with a per-run user and password.</summary>
    public static IResourceBuilder<NatsServerResource> AddNats(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var user = builder.AddParameter($"{name}-user", secret: false, new GeneratedParameterDefault(12, LowercaseOnly: true));
        var password = builder.AddParameter($"{name}-password", secret: true, new GeneratedParameterDefault(32));
        return builder.AddResource(new NatsServerResource(name, user.Resource, password.Resource))
            .WithAnnotation(new EndpointAnnotation(NatsServerResource.TcpEndpointName, "tcp", TargetHost: "127.0.0.1"))
            .WithAnnotation(new EndpointAnnotation(NatsServerResource.MonitoringEndpointName, "http", TargetHost: "127.0.0.1"));
    }

    /// <summary>Enables JetStream, storing streams in the run's data directory.</summary>
    public static IResourceBuilder<NatsServerResource> WithJetStream(this IResourceBuilder<NatsServerResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.JetStreamEnabled = true;
        return builder;
    }

    /// <summary>A redis-server on a free loopback port, with a per-run password and AOF persistence.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddParameter($"{name}-password", secret: true, new GeneratedParameterDefault(32));
        return builder.AddResource(new RedisResource(name, password.Resource))
            .WithAnnotation(new EndpointAnnotation(RedisResource.TcpEndpointName, "tcp", TargetHost: "127.0.0.1"));
    }

    /// <summary>A project of this repository, named by its generated <c>Projects.*</c> class; it gets an http endpoint on a free port.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ProjectResource(name, new TProject()))
            .WithAnnotation(new EndpointAnnotation(ProjectResource.HttpEndpointName, "http"));
    }

    /// <summary>A value from configuration key <c>Parameters:{name}</c>; start-up fails if it is missing.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, secret));
    }

    /// <summary>A value from configuration, or generated per run when configuration has none.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(
        this IDistributedApplicationBuilder builder, string name, bool secret, GeneratedParameterDefault generatedDefault)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(generatedDefault);
        return builder.AddResource(new ParameterResource(name, secret, generatedDefault));
    }
}

using System.Globalization;
using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting;

/// <summary>The builder methods shared by resource types: references, waits, environment, endpoints.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>
    /// Gives the resource the connection to <paramref name="source"/>: <c>ConnectionStrings__{name}</c>
    /// and <c>{NAME}_HOST</c>, <c>{NAME}_PORT</c>, <c>{NAME}_URI</c>.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        var prefix = EnvironmentPrefix(resource.Name);
        builder.WithAnnotation(new ResourceRelationshipAnnotation(resource, ResourceRelationshipAnnotation.Reference));
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            context.EnvironmentVariables[$"ConnectionStrings__{resource.Name}"] = new ConnectionStringReference(resource);
            foreach (var (key, value) in resource.GetConnectionProperties())
            {
                context.EnvironmentVariables[$"{prefix}_{key.ToUpperInvariant()}"] = value;
            }
        }));
    }

    /// <summary>
    /// Lets the resource find <paramref name="source"/> by name through service discovery:
    /// <c>services__{name}__{endpoint}__{index}</c>, one index per replica.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        builder.WithAnnotation(new ResourceRelationshipAnnotation(resource, ResourceRelationshipAnnotation.Reference));

        // Evaluated when a run starts, so replicas set after this call still count.
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            foreach (var endpoint in resource.GetEndpointAnnotations())
            {
                for (var replica = 0; replica < resource.GetReplicaCount(); replica++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"services__{resource.Name}__{endpoint.Name}__{replica}");
                    context.EnvironmentVariables[name] = new EndpointReference(resource, endpoint.Name, replica);
                }
            }
        }));
    }

    /// <summary>Starts the resource only once every instance of <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        }

        return builder.WithAnnotation(new WaitAnnotation(dependency.Resource));
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment(name, ReferenceExpression.Literal(value));

    /// <summary>Sets a variable to a value resolved when the run starts (an endpoint, a parameter, an expression).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IValueProvider value)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables[name] = value));
    }

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args)
        where T : IResourceWithArgs
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        return builder.WithAnnotation(new CommandLineArgsAnnotation([.. args]));
    }

    /// <summary>
    /// Declares an http endpoint, or changes the port of the existing one with that name. A fixed
    /// port is used when the AppHost runs; the testing builder randomises it.
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string name = "http")
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A port is between 1 and 65535.");
        }

        var existing = builder.Resource.GetAnnotations<EndpointAnnotation>().FirstOrDefault(e => e.Name == name);
        if (existing is not null)
        {
            builder.Resource.Annotations.Remove(existing);
        }

        return builder.WithAnnotation((existing ?? new EndpointAnnotation(name, "http")) with { Port = port });
    }

    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return builder.WithAnnotation(new ReplicaAnnotation(replicas));
    }

    /// <summary>"state-manager" becomes "STATE_MANAGER", as Aspire names connection properties.</summary>
    internal static string EnvironmentPrefix(string resourceName) =>
        resourceName.Replace('-', '_').ToUpperInvariant();
}

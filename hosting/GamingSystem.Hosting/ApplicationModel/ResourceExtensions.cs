namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>Reading annotations back out of a resource.</summary>
public static class ResourceExtensions
{
    public static IEnumerable<TAnnotation> GetAnnotations<TAnnotation>(this IResource resource)
        where TAnnotation : IResourceAnnotation =>
        resource.Annotations.OfType<TAnnotation>();

    public static IReadOnlyList<EndpointAnnotation> GetEndpointAnnotations(this IResource resource) =>
        [.. resource.GetAnnotations<EndpointAnnotation>()];

    public static int GetReplicaCount(this IResource resource) =>
        resource.GetAnnotations<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    public static IReadOnlyList<string> GetArgs(this IResource resource) =>
        [.. resource.GetAnnotations<CommandLineArgsAnnotation>().SelectMany(a => a.Args)];

    public static IReadOnlyList<IResource> GetWaitDependencies(this IResource resource) =>
        [.. resource.GetAnnotations<WaitAnnotation>().Select(a => a.Resource).Distinct()];

    /// <summary>A reference to the named endpoint of one replica.</summary>
    public static EndpointReference GetEndpoint(this IResourceWithEndpoints resource, string endpointName, int replicaIndex = 0)
    {
        if (!resource.GetEndpointAnnotations().Any(e => e.Name == endpointName))
        {
            throw new ArgumentException($"Resource '{resource.Name}' has no endpoint named '{endpointName}'.", nameof(endpointName));
        }

        return new EndpointReference(resource, endpointName, replicaIndex);
    }
}

using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>Orders resources by what they wait for and reference.</summary>
internal static class DependencyGraph
{
    /// <summary>
    /// Groups of resources to stop together, dependents first: a resource's layer is one more
    /// than the deepest resource it depends on, and the deepest layer stops first.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<IResource>> StopLayers(IReadOnlyList<IResource> resources)
    {
        var depth = new Dictionary<IResource, int>();
        var visiting = new HashSet<IResource>();
        foreach (var resource in resources)
        {
            DepthOf(resource, depth, visiting);
        }

        return [.. depth.GroupBy(p => p.Value)
            .OrderByDescending(g => g.Key)
            .Select(g => (IReadOnlyList<IResource>)[.. g.Select(p => p.Key)])];
    }

    public static IEnumerable<IResource> DependenciesOf(IResource resource) =>
        resource.GetWaitDependencies()
            .Concat(resource.GetAnnotations<ResourceRelationshipAnnotation>().Select(r => r.Resource))
            .Distinct();

    private static int DepthOf(IResource resource, Dictionary<IResource, int> depth, HashSet<IResource> visiting)
    {
        if (depth.TryGetValue(resource, out var known))
        {
            return known;
        }

        if (!visiting.Add(resource))
        {
            throw new DistributedApplicationException($"Resource '{resource.Name}' depends on itself through WaitFor/WithReference.");
        }

        var result = DependenciesOf(resource).Select(d => DepthOf(d, depth, visiting) + 1).DefaultIfEmpty(0).Max();
        visiting.Remove(resource);
        depth[resource] = result;
        return result;
    }
}

using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>Catches model mistakes at Build(), before any process starts.</summary>
internal static class ModelValidator
{
    public static void Validate(IReadOnlyList<IResource> resources, DistributedApplicationOptions options)
    {
        foreach (var resource in resources)
        {
            var replicas = resource.GetReplicaCount();
            if (replicas < 1)
            {
                throw new DistributedApplicationException($"Resource '{resource.Name}' needs at least one replica.");
            }

            if (replicas > 1 && !options.RandomizePorts && resource.GetEndpointAnnotations().Any(e => e.Port is not null))
            {
                throw new DistributedApplicationException(
                    $"Resource '{resource.Name}' has {replicas} replicas and a fixed port; replicas cannot share a port.");
            }

            foreach (var dependency in resource.GetWaitDependencies())
            {
                if (!resources.Contains(dependency))
                {
                    throw new DistributedApplicationException(
                        $"Resource '{resource.Name}' waits for '{dependency.Name}', which is not part of the model.");
                }
            }
        }

        // Throws on a cycle.
        _ = DependencyGraph.StopLayers(resources);
    }
}

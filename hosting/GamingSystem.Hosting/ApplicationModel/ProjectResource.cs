namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>A .NET project of this repository, run from its build output as a child process.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata)
    : Resource(name), IResourceWithEnvironment, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithWaitSupport
{
    public const string HttpEndpointName = "http";

    public IProjectMetadata Metadata { get; } = metadata;
}

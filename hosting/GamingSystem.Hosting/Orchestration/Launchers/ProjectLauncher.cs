using GamingSystem.Hosting.ApplicationModel;
using GamingSystem.Hosting.Orchestration.Health;

namespace GamingSystem.Hosting.Orchestration.Launchers;

/// <summary>
/// Runs a project's build output with <c>dotnet</c>. Nothing is built here: building the
/// AppHost builds its service projects through their ProjectReferences.
/// </summary>
internal sealed class ProjectLauncher(ProjectResource resource, OrchestratorOptions options) : IResourceLauncher
{
    private const string TargetFramework = "net10.0";
    private string? _dotnet;

    private string ProjectDirectory => Path.GetDirectoryName(resource.Metadata.ProjectPath)!;

    private string AssemblyPath
    {
        get
        {
            var name = Path.GetFileNameWithoutExtension(resource.Metadata.ProjectPath);
            return Path.Combine(ProjectDirectory, "bin", options.ProjectConfiguration, TargetFramework, $"{name}.dll");
        }
    }

    public void Validate()
    {
        _dotnet = ExecutableLocator.RequireDotnet();
        if (!File.Exists(AssemblyPath))
        {
            throw new DistributedApplicationException(
                $"Project '{resource.Name}' is not built: {AssemblyPath} is missing. Build GamingSystem.AppHost " +
                $"(dotnet build GamingSystem.AppHost -c {options.ProjectConfiguration}), which builds every service it runs.");
        }
    }

    public async Task<LaunchSpec> PrepareAsync(ResourceInstance instance, RunContext run, CancellationToken cancellationToken)
    {
        var environment = await ProjectEnvironment.BuildAsync(instance, run, options.Application, cancellationToken).ConfigureAwait(false);
        return new LaunchSpec(_dotnet!, [AssemblyPath, .. resource.GetArgs()], ProjectDirectory, environment);
    }

    public IHealthProbe CreateHealthProbe(ResourceInstance instance, RunContext run, HttpClient probeClient)
    {
        var http = run.GetAllocatedEndpoint(resource.GetEndpoint(ProjectResource.HttpEndpointName, instance.ReplicaIndex));
        return new HttpHealthProbe(probeClient, new Uri(http.Uri, "/health"));
    }
}

using GamingSystem.Hosting.Orchestration.Health;

namespace GamingSystem.Hosting.Orchestration.Launchers;

/// <summary>Knows how to run one kind of resource.</summary>
internal interface IResourceLauncher
{
    /// <summary>Checks the machine before anything starts (binaries installed, projects built).</summary>
    void Validate();

    /// <summary>Writes what the instance needs (config files) and says what to run.</summary>
    Task<LaunchSpec> PrepareAsync(ResourceInstance instance, RunContext run, CancellationToken cancellationToken);

    IHealthProbe CreateHealthProbe(ResourceInstance instance, RunContext run, HttpClient probeClient);
}

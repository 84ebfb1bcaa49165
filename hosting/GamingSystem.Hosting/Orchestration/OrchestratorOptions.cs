using System.Reflection;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>The application's options plus what the orchestrator derives from the AppHost assembly.</summary>
internal sealed record OrchestratorOptions(DistributedApplicationOptions Application, string ProjectConfiguration);

internal static class ProjectBuildConfiguration
{
    /// <summary>
    /// Services are run from the output of the configuration the AppHost itself was built in,
    /// because building the AppHost is what built them.
    /// </summary>
    public static string Of(Assembly appHostAssembly) =>
        appHostAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";
}

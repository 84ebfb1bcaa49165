using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting.Orchestration.Launchers;

internal static class ResourceLaunchers
{
    /// <summary>The launcher for a resource that runs as a process, or null (parameters run nowhere).</summary>
    public static IResourceLauncher? For(IResource resource, OrchestratorOptions options) => resource switch
    {
        NatsServerResource nats => new NatsServerLauncher(nats),
        RedisResource redis => new RedisServerLauncher(redis),
        ProjectResource project => new ProjectLauncher(project, options),
        _ => null,
    };
}

using GamingSystem.Hosting.Orchestration;

namespace GamingSystem.Hosting.Lifecycle;

/// <summary>
/// Commands on a running application's resources. A stop is deliberate: the resource stays
/// down, without automatic restarts, until it is started again.
/// </summary>
public sealed class ResourceCommandService
{
    private readonly ResourceOrchestrator _orchestrator;

    internal ResourceCommandService(ResourceOrchestrator orchestrator) => _orchestrator = orchestrator;

    public Task StopAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Task.WhenAll(_orchestrator.GetSupervisors(resourceName).Select(s => s.StopAsync(cancellationToken)));

    public Task StartAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        foreach (var supervisor in _orchestrator.GetSupervisors(resourceName))
        {
            supervisor.Resume();
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops and starts every instance; each shows Restarting until it runs again.</summary>
    public Task RestartAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Task.WhenAll(_orchestrator.GetSupervisors(resourceName).Select(s => s.RestartAsync(cancellationToken)));
}

using System.Security.Cryptography;
using GamingSystem.Hosting.ApplicationModel;
using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Orchestration.Launchers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// The lifecycle of one run: check the machine, allocate ports and secrets, start every
/// instance under a supervisor, and stop them all, dependents first, when the host stops.
/// </summary>
internal sealed partial class ResourceOrchestrator : IHostedService, IAsyncDisposable
{
    private readonly IReadOnlyList<IResource> _resources;
    private readonly OrchestratorOptions _options;
    private readonly IConfiguration _configuration;
    private readonly ResourceNotificationService _notifications;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ResourceOrchestrator> _logger;
    private readonly Dictionary<IResource, IResourceLauncher> _launchers = [];
    private readonly Dictionary<IResource, IReadOnlyList<ResourceInstance>> _instances = [];
    private readonly Dictionary<ResourceInstance, InstanceSupervisor> _supervisors = [];
    private readonly Lock _lock = new();
    private readonly string _runId = RandomNumberGenerator.GetHexString(8, lowercase: true);
    private RunContext? _run;
    private HttpClient? _probeClient;
    private Task? _stopping;

    public ResourceOrchestrator(
        IReadOnlyList<IResource> resources,
        OrchestratorOptions options,
        IConfiguration configuration,
        ResourceNotificationService notifications,
        ResourceLoggerService logs,
        TimeProvider timeProvider,
        ILogger<ResourceOrchestrator> logger)
    {
        _resources = resources;
        _options = options;
        _configuration = configuration;
        _notifications = notifications;
        _timeProvider = timeProvider;
        _logger = logger;
        foreach (var resource in resources)
        {
            if (ResourceLaunchers.For(resource, options) is not { } launcher)
            {
                continue;
            }

            _launchers[resource] = launcher;
            _instances[resource] = [.. Enumerable.Range(0, resource.GetReplicaCount())
                .Select(replica => new ResourceInstance(resource, replica, _runId, logs.GetOrAdd(Name(resource, replica), timeProvider), notifications))];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_run is not null || _stopping is not null)
            {
                throw new InvalidOperationException("The application has already been started.");
            }

            if (!OperatingSystem.IsLinux())
            {
                throw new DistributedApplicationException(
                    "The orchestrator runs on Linux only: it relies on setpriv --pdeathsig so no child outlives the AppHost.");
            }

            // Everything that can fail for a missing binary or an unbuilt project fails here,
            // before a single process runs, with a message that says what to do.
            foreach (var launcher in _launchers.Values)
            {
                launcher.Validate();
            }

            var runner = new ProcessRunner(_timeProvider);
            _run = RunContext.Create(_runId, _resources, _options.Application, _configuration);
            _probeClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
            var services = new SupervisorServices(
                _run, runner, _probeClient, RestartPolicy.Default, _options.Application.StopGracePeriod,
                _options.Application.ForwardConsoleLogs, _timeProvider, _logger);
            foreach (var (resource, instances) in _instances)
            {
                foreach (var instance in instances)
                {
                    _supervisors[instance] = new InstanceSupervisor(instance, _launchers[resource], services, ct => WaitForDependenciesAsync(resource, ct));
                }
            }
        }

        LogStarting(_logger, _instances.Count, _run.RunDirectory);
        foreach (var supervisor in _supervisors.Values)
        {
            supervisor.Start();
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops everything once; later calls wait for the same stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _stopping ??= StopCoreAsync();
            return _stopping;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    public IReadOnlyList<InstanceSupervisor> GetSupervisors(string resourceName)
    {
        var resource = FindResource(resourceName);
        lock (_lock)
        {
            if (_run is null || !_instances.TryGetValue(resource, out var instances))
            {
                throw new InvalidOperationException($"Resource '{resourceName}' is not running: start the application first.");
            }

            return [.. instances.Select(i => _supervisors[i])];
        }
    }

    public async ValueTask<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken)
    {
        if (FindResource(resourceName) is not IResourceWithConnectionString resource)
        {
            throw new ArgumentException($"Resource '{resourceName}' has no connection string.", nameof(resourceName));
        }

        return await resource.ConnectionStringExpression.GetValueAsync(RequireRun(), cancellationToken).ConfigureAwait(false);
    }

    public AllocatedEndpoint GetAllocatedEndpoint(string resourceName, string endpointName)
    {
        if (FindResource(resourceName) is not IResourceWithEndpoints resource)
        {
            throw new ArgumentException($"Resource '{resourceName}' has no endpoints.", nameof(resourceName));
        }

        return RequireRun().GetAllocatedEndpoint(resource.GetEndpoint(endpointName));
    }

    private static string Name(IResource resource, int replica) =>
        resource.GetReplicaCount() == 1 ? resource.Name : $"{resource.Name}-{replica}";

    private Task WaitForDependenciesAsync(IResource resource, CancellationToken cancellationToken) =>
        Task.WhenAll(resource.GetWaitDependencies()
            .Where(_launchers.ContainsKey)
            .Select(dependency => _notifications.WaitForResourceHealthyAsync(dependency.Name, cancellationToken)));

    private async Task StopCoreAsync()
    {
        RunContext? run;
        lock (_lock)
        {
            run = _run;
        }

        if (run is null)
        {
            return;
        }

        var started = _timeProvider.GetTimestamp();
        foreach (var layer in DependencyGraph.StopLayers(_resources))
        {
            var stops = layer.Where(_instances.ContainsKey)
                .SelectMany(resource => _instances[resource])
                .Select(instance => _supervisors[instance].ShutdownAsync());
            await Task.WhenAll(stops).ConfigureAwait(false);
        }

        _probeClient?.Dispose();
        run.DeleteRunDirectory();
        LogStopped(_logger, _timeProvider.GetElapsedTime(started).TotalSeconds);
    }

    private RunContext RequireRun()
    {
        lock (_lock)
        {
            return _run ?? throw new InvalidOperationException("The application is not started: call StartAsync first.");
        }
    }

    private IResource FindResource(string resourceName) =>
        _resources.FirstOrDefault(r => r.Name == resourceName)
        ?? throw new ArgumentException($"The application has no resource named '{resourceName}'.", nameof(resourceName));

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Starting {Count} resources (run files in {RunDirectory})")]
    private static partial void LogStarting(ILogger logger, int count, string runDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stopped every resource in {Seconds:0.0} s")]
    private static partial void LogStopped(ILogger logger, double seconds);
}

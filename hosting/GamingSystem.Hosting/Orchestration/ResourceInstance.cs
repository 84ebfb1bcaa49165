using System.Collections.Immutable;
using GamingSystem.Hosting.ApplicationModel;
using GamingSystem.Hosting.Lifecycle;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>One process slot of a resource: its identity, its log, and its published state.</summary>
internal sealed class ResourceInstance
{
    private readonly Lock _lock = new();
    private readonly ResourceNotificationService _notifications;
    private ResourceInstanceSnapshot _snapshot;

    public ResourceInstance(
        IResource resource, int replicaIndex, string runId, ResourceLogBuffer logs, ResourceNotificationService notifications)
    {
        Resource = resource;
        ReplicaIndex = replicaIndex;
        Name = resource.GetReplicaCount() == 1 ? resource.Name : $"{resource.Name}-{replicaIndex}";
        ServiceInstanceId = $"{Name}-{runId}";
        Logs = logs;
        _notifications = notifications;
        _snapshot = new ResourceInstanceSnapshot(
            Name, resource.Name, TypeName(resource), ResourceState.NotStarted, ResourceHealth.Unknown,
            ProcessId: null, StartedAt: null, RestartCount: 0, ExitCode: null, Endpoints: [], Environment: [], Message: null);
        notifications.Publish(_snapshot);
    }

    public IResource Resource { get; }

    public int ReplicaIndex { get; }

    /// <summary>The resource name, or name-index when the resource has replicas.</summary>
    public string Name { get; }

    /// <summary>Unique per run, for OTEL's service.instance.id.</summary>
    public string ServiceInstanceId { get; }

    public ResourceLogBuffer Logs { get; }

    public ResourceInstanceSnapshot Snapshot
    {
        get
        {
            lock (_lock)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>Applies a change and publishes it; a change that returns the same snapshot publishes nothing.</summary>
    public void Update(Func<ResourceInstanceSnapshot, ResourceInstanceSnapshot> change)
    {
        // Publishing under the lock keeps the published order equal to the order of changes.
        lock (_lock)
        {
            var updated = change(_snapshot);
            if (ReferenceEquals(updated, _snapshot) || updated == _snapshot)
            {
                return;
            }

            _snapshot = updated;
            _notifications.Publish(updated);
        }
    }

    public static ImmutableArray<EnvironmentVariableSnapshot> Mask(IEnumerable<EnvironmentValue> environment) =>
        [.. environment.Select(e => new EnvironmentVariableSnapshot(e.Name, e.IsSecret ? EnvironmentVariableSnapshot.Mask : e.Value, e.IsSecret))];

    private static string TypeName(IResource resource)
    {
        var name = resource.GetType().Name;
        return name.EndsWith("Resource", StringComparison.Ordinal) ? name[..^"Resource".Length] : name;
    }
}

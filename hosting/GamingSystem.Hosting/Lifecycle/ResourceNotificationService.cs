using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace GamingSystem.Hosting.Lifecycle;

/// <summary>
/// The latest snapshot of every resource, and a way to wait for or follow changes. The
/// orchestrator publishes here; tests and the dashboard read.
/// </summary>
public sealed class ResourceNotificationService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Raised after every change, on the thread that made it; keep handlers short.</summary>
    public event EventHandler<ResourceSnapshot>? ResourceChanged;

    public ResourceSnapshot GetSnapshot(string resourceName)
    {
        lock (_lock)
        {
            return _snapshots.TryGetValue(resourceName, out var snapshot)
                ? snapshot
                : throw new ArgumentException($"The application has no resource named '{resourceName}'.", nameof(resourceName));
        }
    }

    public IReadOnlyList<ResourceSnapshot> GetSnapshots()
    {
        lock (_lock)
        {
            return [.. _snapshots.Values];
        }
    }

    /// <summary>Completes when every instance of the resource is running and healthy.</summary>
    /// <exception cref="DistributedApplicationException">The resource failed to start, so it never will be healthy.</exception>
    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, s => s.IsHealthy, cancellationToken);

    /// <summary>Completes when the resource's snapshot satisfies <paramref name="predicate"/>.</summary>
    public async Task<ResourceSnapshot> WaitForResourceAsync(
        string resourceName, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            Task changed;
            ResourceSnapshot snapshot;
            lock (_lock)
            {
                snapshot = GetSnapshot(resourceName);
                changed = _changed.Task;
            }

            if (predicate(snapshot))
            {
                return snapshot;
            }

            if (snapshot.State == ResourceState.FailedToStart)
            {
                var reason = snapshot.Instances.Select(i => i.Message).FirstOrDefault(m => m is not null);
                throw new DistributedApplicationException($"Resource '{resourceName}' failed to start: {reason}");
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The current snapshot of every resource, then each change as it happens.</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Bounded so a stalled reader costs memory only up to a point; it then misses
        // intermediate states, never the latest one.
        var channel = Channel.CreateBounded<ResourceSnapshot>(new BoundedChannelOptions(1024)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            foreach (var snapshot in _snapshots.Values)
            {
                channel.Writer.TryWrite(snapshot);
            }

            _watchers.Add(channel);
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    internal void Publish(ResourceInstanceSnapshot instance)
    {
        ResourceSnapshot updated;
        TaskCompletionSource changed;
        lock (_lock)
        {
            var instances = _snapshots.TryGetValue(instance.ResourceName, out var existing)
                ? existing.Instances
                : [];
            var index = instances.FindIndex(i => i.InstanceName == instance.InstanceName);
            instances = index < 0 ? instances.Add(instance) : instances.SetItem(index, instance);
            updated = new ResourceSnapshot(instance.ResourceName, instance.ResourceType, instances);
            _snapshots[instance.ResourceName] = updated;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(updated);
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
        ResourceChanged?.Invoke(this, updated);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal static class ImmutableArrayExtensions
{
    public static int FindIndex<T>(this ImmutableArray<T> array, Func<T, bool> match)
    {
        for (var i = 0; i < array.Length; i++)
        {
            if (match(array[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

using System.Collections.Concurrent;
using GamingSystem.Hosting.Orchestration;

namespace GamingSystem.Hosting.Lifecycle;

/// <summary>One line a child wrote.</summary>
public sealed record LogLine(long Sequence, DateTimeOffset Timestamp, string Text, bool IsErrorStream);

/// <summary>The console output of each resource instance, kept in a bounded buffer per instance.</summary>
public sealed class ResourceLoggerService
{
    private readonly ConcurrentDictionary<string, ResourceLogBuffer> _buffers = new(StringComparer.Ordinal);

    /// <summary>Names of the instances that have a log ("nats", "state-manager", or "state-manager-1" with replicas).</summary>
    public IReadOnlyList<string> InstanceNames => [.. _buffers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The lines still in the instance's buffer, oldest first.</summary>
    public IReadOnlyList<LogLine> GetLogs(string instanceName) => GetBuffer(instanceName).Snapshot();

    /// <summary>The lines in the buffer, then each new line as it is written.</summary>
    public IAsyncEnumerable<LogLine> WatchAsync(string instanceName, CancellationToken cancellationToken = default) =>
        GetBuffer(instanceName).WatchAsync(cancellationToken);

    internal ResourceLogBuffer GetOrAdd(string instanceName, TimeProvider timeProvider) =>
        _buffers.GetOrAdd(instanceName, _ => new ResourceLogBuffer(ResourceLogBuffer.DefaultCapacity, timeProvider));

    private ResourceLogBuffer GetBuffer(string instanceName) =>
        _buffers.TryGetValue(instanceName, out var buffer)
            ? buffer
            : throw new ArgumentException($"No resource instance named '{instanceName}' has logs.", nameof(instanceName));
}

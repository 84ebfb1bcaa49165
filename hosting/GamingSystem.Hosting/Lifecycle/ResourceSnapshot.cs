using System.Collections.Immutable;

namespace GamingSystem.Hosting.Lifecycle;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    Stopping,
    Exited,
    FailedToStart,
}

public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>One environment variable as a child received it; secret values are masked.</summary>
public sealed record EnvironmentVariableSnapshot(string Name, string Value, bool IsSecret)
{
    public const string Mask = "********";
}

/// <summary>An endpoint of a running instance.</summary>
public sealed record EndpointSnapshot(string Name, string Url);

/// <summary>One process of a resource (a resource with replicas has several).</summary>
public sealed record ResourceInstanceSnapshot(
    string InstanceName,
    string ResourceName,
    string ResourceType,
    ResourceState State,
    ResourceHealth Health,
    int? ProcessId,
    DateTimeOffset? StartedAt,
    int RestartCount,
    int? ExitCode,
    ImmutableArray<EndpointSnapshot> Endpoints,
    ImmutableArray<EnvironmentVariableSnapshot> Environment,
    string? Message);

/// <summary>A resource and its instances; healthy when every instance is.</summary>
public sealed record ResourceSnapshot(string Name, string ResourceType, ImmutableArray<ResourceInstanceSnapshot> Instances)
{
    public ResourceHealth Health =>
        Instances.All(i => i.Health == ResourceHealth.Healthy) ? ResourceHealth.Healthy
        : Instances.Any(i => i.Health == ResourceHealth.Unhealthy) ? ResourceHealth.Unhealthy
        : ResourceHealth.Unknown;

    /// <summary>FailedToStart if any instance failed, else the first instance not Running, else Running.</summary>
    public ResourceState State =>
        Instances.Any(i => i.State == ResourceState.FailedToStart) ? ResourceState.FailedToStart
        : Instances.FirstOrDefault(i => i.State != ResourceState.Running)?.State ?? ResourceState.Running;

    public bool IsHealthy => State == ResourceState.Running && Health == ResourceHealth.Healthy;
}

namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>
/// A named endpoint. <paramref name="Port"/> is a fixed port, or null for "any free port"; the
/// port actually used is decided per run and never stored in the model.
/// </summary>
public sealed record EndpointAnnotation(string Name, string Scheme, int? Port = null, string TargetHost = "localhost")
    : IResourceAnnotation;

/// <summary>Adds environment variables when a run resolves the resource's environment.</summary>
public sealed record EnvironmentCallbackAnnotation(Action<EnvironmentCallbackContext> Callback) : IResourceAnnotation;

/// <summary>The resource starts only after <paramref name="Resource"/> is healthy.</summary>
public sealed record WaitAnnotation(IResource Resource) : IResourceAnnotation;

/// <summary>The resource uses <paramref name="Resource"/> (WithReference); used for stop order and the dashboard.</summary>
public sealed record ResourceRelationshipAnnotation(IResource Resource, string Type) : IResourceAnnotation
{
    public const string Reference = "Reference";
}

/// <summary>Extra command-line arguments for the resource's process.</summary>
public sealed record CommandLineArgsAnnotation(IReadOnlyList<string> Args) : IResourceAnnotation;

/// <summary>How many instances of the resource run side by side.</summary>
public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;

/// <summary>Collects a resource's environment variables as unresolved values.</summary>
public sealed class EnvironmentCallbackContext(IResource resource)
{
    public IResource Resource { get; } = resource;

    /// <summary>Later entries overwrite earlier ones with the same name.</summary>
    public OrderedDictionary<string, IValueProvider> EnvironmentVariables { get; } = new(StringComparer.Ordinal);
}

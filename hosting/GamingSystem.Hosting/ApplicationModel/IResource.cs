namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>Something the AppHost models: a server, a project, a parameter.</summary>
public interface IResource
{
    string Name { get; }

    ResourceAnnotationCollection Annotations { get; }
}

/// <summary>A resource that exposes network endpoints.</summary>
public interface IResourceWithEndpoints : IResource;

/// <summary>A resource whose process receives environment variables from the model.</summary>
public interface IResourceWithEnvironment : IResource;

/// <summary>A resource whose process accepts extra command-line arguments.</summary>
public interface IResourceWithArgs : IResource;

/// <summary>A resource that can wait for other resources to become healthy before it starts.</summary>
public interface IResourceWithWaitSupport : IResource;

/// <summary>A resource other projects find by name through <c>services__{name}__{endpoint}__{index}</c>.</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;

/// <summary>A resource clients connect to through <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>
    /// The parts of the connection a client may want on their own; each becomes
    /// <c>{NAME}_{KEY}</c> in a referencing project's environment (Aspire's convention).
    /// </summary>
    IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties();
}

namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>A resource's connection string as a value: <c>{nats.connectionString}</c> in a manifest.</summary>
public sealed class ConnectionStringReference(IResourceWithConnectionString resource) : IValueProvider
{
    public IResourceWithConnectionString Resource { get; } = resource;

    public string ValueExpression => $"{{{Resource.Name}.connectionString}}";

    public bool IsSecret => Resource.ConnectionStringExpression.IsSecret;

    public ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default) =>
        Resource.ConnectionStringExpression.GetValueAsync(resolver, cancellationToken);
}

using System.Globalization;

namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>Points at one named endpoint of one replica; resolves to its URL.</summary>
public sealed class EndpointReference(IResourceWithEndpoints resource, string endpointName, int replicaIndex = 0) : IValueProvider
{
    public IResourceWithEndpoints Resource { get; } = resource;

    public string EndpointName { get; } = endpointName;

    public int ReplicaIndex { get; } = replicaIndex;

    public string ValueExpression => $"{{{Resource.Name}.bindings.{EndpointName}.url}}";

    public bool IsSecret => false;

    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    public ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(resolver.GetAllocatedEndpoint(this).Url);
}

public enum EndpointProperty
{
    Url,
    Scheme,
    Host,
    Port,
}

/// <summary>One part of an endpoint (host, port…), for building connection strings.</summary>
public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property) : IValueProvider
{
    public EndpointReference Endpoint { get; } = endpoint;

    public EndpointProperty Property { get; } = property;

    public string ValueExpression =>
        $"{{{Endpoint.Resource.Name}.bindings.{Endpoint.EndpointName}.{Property.ToString().ToLowerInvariant()}}}";

    public bool IsSecret => false;

    public ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default)
    {
        var allocated = resolver.GetAllocatedEndpoint(Endpoint);
        return ValueTask.FromResult(Property switch
        {
            EndpointProperty.Scheme => allocated.Scheme,
            EndpointProperty.Host => allocated.Host,
            EndpointProperty.Port => allocated.Port.ToString(CultureInfo.InvariantCulture),
            _ => allocated.Url,
        });
    }
}

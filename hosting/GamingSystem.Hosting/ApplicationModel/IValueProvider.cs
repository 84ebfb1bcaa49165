namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>
/// A value known only when a run starts (a port, a generated password, a connection string).
/// The model holds providers; a run resolves them, and a publisher renders
/// <see cref="ValueExpression"/> instead.
/// </summary>
public interface IValueProvider
{
    /// <summary>Manifest form, e.g. <c>{nats.bindings.tcp.host}</c>.</summary>
    string ValueExpression { get; }

    /// <summary>True when the value must be masked in logs and the dashboard.</summary>
    bool IsSecret { get; }

    ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default);
}

/// <summary>What one run knows: allocated endpoints and parameter values.</summary>
public interface IValueResolver
{
    AllocatedEndpoint GetAllocatedEndpoint(EndpointReference endpoint);

    string GetParameterValue(ParameterResource parameter);
}

/// <summary>An endpoint as one run allocated it.</summary>
public sealed record AllocatedEndpoint(string Scheme, string Host, int Port)
{
    public string Url => $"{Scheme}://{Host}:{Port}";

    public Uri Uri => new(Url);
}

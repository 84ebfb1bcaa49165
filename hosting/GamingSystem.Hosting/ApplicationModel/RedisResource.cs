namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>A redis-server process with a generated password and append-only persistence.</summary>
public sealed class RedisResource(string name, ParameterResource password)
    : Resource(name), IResourceWithEndpoints, IResourceWithConnectionString, IResourceWithArgs, IResourceWithWaitSupport
{
    public const string TcpEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, TcpEndpointName);

    /// <summary>StackExchange.Redis configuration format.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");

    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Uri", ReferenceExpression.Create(
            $"redis://:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
    }
}

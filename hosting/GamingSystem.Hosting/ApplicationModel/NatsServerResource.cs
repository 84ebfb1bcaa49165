namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>A nats-server process: client endpoint, monitoring endpoint, and generated credentials.</summary>
public sealed class NatsServerResource(string name, ParameterResource userName, ParameterResource password)
    : Resource(name), IResourceWithEndpoints, IResourceWithConnectionString, IResourceWithArgs, IResourceWithWaitSupport
{
    public const string TcpEndpointName = "tcp";
    public const string MonitoringEndpointName = "monitoring";

    public ParameterResource UserNameParameter { get; } = userName;

    public ParameterResource PasswordParameter { get; } = password;

    public bool JetStreamEnabled { get; internal set; }

    public EndpointReference PrimaryEndpoint => new(this, TcpEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"nats://{UserNameParameter}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");

    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Uri", ConnectionStringExpression);
    }
}

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A redis-server run as a process in run mode (Debian's package; Aspire.Hosting.Redis would need a container
/// engine) and published as the official container image in the manifest.
/// </summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IServerResource
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Where the append-only file is kept across runs; <see langword="null"/> keeps data for one run only.</summary>
    public string? DataDirectory { get; set; }

    /// <summary><c>host:port,password=...</c>, StackExchange.Redis' configuration string, as Aspire's Redis resource writes it.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{Host}"));
        yield return new("Port", ReferenceExpression.Create($"{Port}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ReferenceExpression.Create($"redis://:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}"));
    }
}

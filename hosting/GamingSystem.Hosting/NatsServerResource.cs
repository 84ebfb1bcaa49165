namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A nats-server run as a process in run mode (Debian's package; no container engine needed) and
/// published as the official container image in the manifest.
/// </summary>
public sealed class NatsServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IServerResource
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string MonitoringEndpointName = "monitoring";
    internal const string DefaultUserName = "nats";

    private EndpointReference? _primaryEndpoint;
    private EndpointReference? _monitoringEndpoint;

    /// <summary>The client endpoint (NATS protocol).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The HTTP monitoring endpoint (<c>/healthz</c>, <c>/varz</c>, <c>/jsz</c>).</summary>
    public EndpointReference MonitoringEndpoint => _monitoringEndpoint ??= new(this, MonitoringEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    /// <summary>The user name; <c>nats</c> unless a parameter is given.</summary>
    public ParameterResource? UserNameParameter { get; set; }

    public ParameterResource PasswordParameter { get; set; } = password;

    public ReferenceExpression UserNameReference => UserNameParameter is null
        ? ReferenceExpression.Create($"{DefaultUserName}")
        : ReferenceExpression.Create($"{UserNameParameter}");

    public bool JetStreamEnabled { get; internal set; }

    public bool TlsEnabled { get; set; }

    /// <summary>One user per project that references this server, each with its own permissions (generated before the run starts).</summary>
    internal List<Security.NatsUser> Users { get; } = [];

    /// <summary>Where JetStream keeps its streams across runs; <see langword="null"/> keeps them for one run only.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// A cluster's nodes, this one first, on the node the app references (<c>WithCluster</c>); it holds the users
    /// and settings every node's configuration is written from. Empty for a single server.
    /// </summary>
    internal List<NatsServerResource> ClusterNodes { get; } = [];

    /// <summary>On the other nodes of a cluster: the node the app references.</summary>
    internal NatsServerResource? ClusterPrimary { get; set; }

    /// <summary>The loopback port this node's cluster routes listen on (chosen when the cluster is added).</summary>
    internal int RoutePort { get; set; }

    /// <summary>Every node clients may connect to: the cluster's, or this server alone.</summary>
    internal IReadOnlyList<NatsServerResource> Nodes => ClusterNodes.Count > 0 ? ClusterNodes : [this];

    /// <summary>
    /// <c>nats://user:password@host:port</c> (<c>tls://</c> with TLS), the form NATS clients and <c>AddNatsClient</c>
    /// read; a cluster's nodes comma-separated.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var expression = new ReferenceExpressionBuilder();
            foreach (var node in Nodes)
            {
                if (node != this)
                {
                    expression.AppendLiteral(",");
                }

                expression.AppendLiteral(TlsEnabled ? "tls://" : "nats://");
                expression.Append($"{UserNameReference}:{PasswordParameter}@{node.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
            }

            return expression.Build();
        }
    }

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{Host}"));
        yield return new("Port", ReferenceExpression.Create($"{Port}"));
        yield return new("Username", UserNameReference);
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ConnectionStringExpression);
    }
}

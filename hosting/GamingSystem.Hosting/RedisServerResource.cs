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

    /// <summary>One ACL user per project that references this server, each limited to its own keys (generated before the run starts).</summary>
    internal List<Security.RedisUser> Users { get; } = [];

    /// <summary>The operator user: the AppHost's health check, tools and tests. The default user is disabled.</summary>
    internal const string OperatorUserName = "operator";

    /// <summary>Where the append-only file is kept across runs; <see langword="null"/> keeps data for one run only.</summary>
    public string? DataDirectory { get; set; }

    public bool TlsEnabled { get; set; }

    /// <summary>
    /// A Redis Cluster's nodes, this one first, on the node the app references (<c>WithCluster</c>); it holds the
    /// users and settings every node's configuration is written from. Empty for a single server.
    /// </summary>
    internal List<RedisServerResource> ClusterNodes { get; } = [];

    /// <summary>On the other nodes of a cluster: the node the app references.</summary>
    internal RedisServerResource? ClusterPrimary { get; set; }

    /// <summary>The loopback port of this node's cluster bus (chosen when the cluster is added).</summary>
    internal int BusPort { get; set; }

    /// <summary>Every node clients may connect to: the cluster's, or this server alone.</summary>
    internal IReadOnlyList<RedisServerResource> Nodes => ClusterNodes.Count > 0 ? ClusterNodes : [this];

    /// <summary>Every node's <c>host:port</c>, comma-separated: StackExchange.Redis' list of endpoints.</summary>
    internal ReferenceExpression Addresses
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

                expression.Append($"{node.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
            }

            return expression.Build();
        }
    }

    /// <summary><c>host:port,password=...</c>, StackExchange.Redis' configuration string, as Aspire's Redis resource writes it.</summary>
    public ReferenceExpression ConnectionStringExpression => TlsEnabled
        ? ReferenceExpression.Create($"{Addresses},user={OperatorUserName},password={PasswordParameter},ssl=true")
        : ReferenceExpression.Create($"{Addresses},user={OperatorUserName},password={PasswordParameter}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{Host}"));
        yield return new("Port", ReferenceExpression.Create($"{Port}"));
        yield return new("Username", ReferenceExpression.Create($"{OperatorUserName}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ReferenceExpression.Create($"redis://{OperatorUserName}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}"));
    }
}

using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElastiCache;
using ISecret = Amazon.CDK.AWS.SecretsManager.ISecret;

namespace GamingSystem.Deploy;

/// <summary>
/// The manifest's Redis container as an ElastiCache replication group: a primary and replicas across AZs with
/// automatic failover, TLS in transit, encryption at rest, and AUTH with the manifest's generated password.
/// Cluster mode is off: one shard holds every key (the services' <c>{service}:</c> hash-tagged keys would also
/// work sharded, see docs/deploy.md).
/// </summary>
public sealed class RedisDeployment
{
    private RedisDeployment(string name, string host, string port, ISecret password)
    {
        Name = name;
        Host = host;
        Port = port;
        Password = password;
    }

    public string Name { get; }

    public string Host { get; }

    public string Port { get; }

    public ISecret Password { get; }

    internal static RedisDeployment Create(
        Stack stack, ManifestResource redis, AspireManifest manifest, DeploySettings settings, IVpc vpc,
        IReadOnlyDictionary<string, SecurityGroup> projectGroups, Func<string, ISecret> secretOf)
    {
        var passwordParameter = NatsDeployment.PasswordParameterOf(redis)
            ?? throw new InvalidOperationException($"Resource '{redis.Name}' has no password parameter in its connection string.");
        var password = secretOf(passwordParameter);
        const int port = 6379;

        var group = new SecurityGroup(stack, $"{redis.Name}-sg", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = "ElastiCache: only from the projects that reference it",
            AllowAllOutbound = false,
        });
        foreach (var project in manifest.OfKind(ResourceKind.Project).Where(p => p.References.Contains(redis.Name)))
        {
            group.AddIngressRule(projectGroups[project.Name], Amazon.CDK.AWS.EC2.Port.Tcp(port), $"Redis clients: {project.Name}");
        }

        var subnets = new CfnSubnetGroup(stack, $"{redis.Name}-subnets", new CfnSubnetGroupProps
        {
            Description = "Private subnets of the GamingSystem ElastiCache",
            SubnetIds = [.. vpc.SelectSubnets(new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS }).SubnetIds],
        });
        var nodes = Math.Max(1, settings.Redis.Nodes);
        var replication = new CfnReplicationGroup(stack, redis.Name, new CfnReplicationGroupProps
        {
            ReplicationGroupDescription = "GamingSystem Redis (from the manifest's redis resource)",
            Engine = "redis",
            EngineVersion = "7.1",
            CacheNodeType = settings.Redis.NodeType,
            NumCacheClusters = nodes,
            AutomaticFailoverEnabled = nodes > 1,
            MultiAzEnabled = nodes > 1,
            TransitEncryptionEnabled = true,
            AtRestEncryptionEnabled = true,
            // A dynamic reference: CloudFormation reads the generated password from Secrets Manager at deploy time.
            AuthToken = password.SecretValue.UnsafeUnwrap(),
            Port = port,
            CacheSubnetGroupName = subnets.Ref,
            SecurityGroupIds = [group.SecurityGroupId],
            SnapshotRetentionLimit = 7,
        });
        return new RedisDeployment(redis.Name, replication.AttrPrimaryEndPointAddress, replication.AttrPrimaryEndPointPort, password);
    }
}

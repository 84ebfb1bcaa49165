using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.EFS;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.ServiceDiscovery;
using Aspire.Hosting.Security;
using CdkSecret = Amazon.CDK.AWS.SecretsManager.Secret;
using EcsHealthCheck = Amazon.CDK.AWS.ECS.HealthCheck;
using EcsSecret = Amazon.CDK.AWS.ECS.Secret;
using ISecret = Amazon.CDK.AWS.SecretsManager.ISecret;

namespace GamingSystem.Deploy;

/// <summary>
/// The manifest's NATS container as a cluster: one Fargate service per node (a stable Cloud Map name each,
/// <c>nats-0.&lt;namespace&gt;</c>), JetStream on an encrypted EFS access point per node, TLS for clients and routes,
/// one user per project that references NATS with its generated password.
/// </summary>
public sealed class NatsDeployment
{
    public const string ConfigDirectory = "/etc/nats";
    public const string StoreDirectory = "/data/jetstream";

    private NatsDeployment(string name, IReadOnlyList<NatsNode> nodes, IReadOnlyDictionary<string, ISecret> passwords, SecurityGroup group)
    {
        Name = name;
        Nodes = nodes;
        Passwords = passwords;
        Group = group;
    }

    public string Name { get; }

    public IReadOnlyList<NatsNode> Nodes { get; }

    /// <summary>Each user's password secret, by user (project) name.</summary>
    public IReadOnlyDictionary<string, ISecret> Passwords { get; }

    public SecurityGroup Group { get; }

    public string Host => Nodes[0].Host;

    public static NatsNodeFiles ContainerFiles { get; } = FilesIn(ConfigDirectory, StoreDirectory);

    /// <summary>The users of the manifest's projects: each project that references NATS, with its derived permissions.</summary>
    public static IReadOnlyList<NatsClusterUser> UsersOf(AspireManifest manifest, ManifestResource nats, string? operatorPasswordParameter)
    {
        var users = new List<NatsClusterUser>();
        if (operatorPasswordParameter is not null)
        {
            users.Add(new NatsClusterUser(NatsClusterConfig.OperatorUser, NatsClusterConfig.PasswordVariable(NatsClusterConfig.OperatorUser), null));
        }

        foreach (var project in manifest.OfKind(ResourceKind.Project).Where(p => p.References.Contains(nats.Name)))
        {
            var ownsStreams = project.Environment.TryGetValue(EventStreamOwnerVariable, out var owner) && owner == "true";
            users.Add(new NatsClusterUser(
                project.Name,
                NatsClusterConfig.PasswordVariable(project.Name),
                BusPermissions.For(project.Name, project.References, project.IsExternal, ownsStreams)));
        }

        return users;
    }

    /// <summary>Set in the manifest by hosting's <c>WithEventStreams()</c>.</summary>
    public static readonly string EventStreamOwnerVariable = GamingSystem.Contracts.ProcessSettings.AsEnvironmentVariable(GamingSystem.Contracts.ProcessSettings.ManageEventStreams);

    /// <summary>The secret parameter the manifest's connection string carries (<c>{nats-password.value}</c>).</summary>
    internal static string? PasswordParameterOf(ManifestResource server) =>
        server.Body["connectionString"]?.GetValue<string>() is { } connection
            ? AspireManifest.Reference().Matches(connection).Select(m => m.Groups["resource"].Value).FirstOrDefault(r => r != server.Name)
            : null;

    internal static NatsDeployment Create(
        Stack stack, ManifestResource nats, AspireManifest manifest, DeploySettings settings, Cluster cluster,
        PrivateDnsNamespace dns, ISecret tls, IReadOnlyDictionary<string, SecurityGroup> projectGroups, Func<string, ISecret> secretOf)
    {
        var nodes = Enumerable.Range(0, settings.Nats.Nodes)
            .Select(i => new NatsNode($"{nats.Name}-{i}", $"{nats.Name}-{i}.{settings.Namespace}"))
            .ToList();
        var operatorParameter = PasswordParameterOf(nats);
        var users = UsersOf(manifest, nats, operatorParameter);
        var passwords = new Dictionary<string, ISecret>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            passwords[user.Name] = user.Permissions is null
                ? secretOf(operatorParameter!)
                : new CdkSecret(stack, $"{nats.Name}-user-{user.Name}", new Amazon.CDK.AWS.SecretsManager.SecretProps
                {
                    Description = $"NATS password of {user.Name}",
                    GenerateSecretString = new Amazon.CDK.AWS.SecretsManager.SecretStringGenerator { ExcludePunctuation = true, IncludeSpace = false, PasswordLength = 43 },
                });
        }

        var group = new SecurityGroup(stack, $"{nats.Name}-sg", new SecurityGroupProps
        {
            Vpc = cluster.Vpc,
            Description = "NATS: clients only from the projects that reference it, routes only between the nodes",
            AllowAllOutbound = false,
        });
        var clientPort = nodes[0].ClientPort;
        foreach (var project in manifest.OfKind(ResourceKind.Project).Where(p => p.References.Contains(nats.Name)))
        {
            group.AddIngressRule(projectGroups[project.Name], Port.Tcp(clientPort), $"NATS clients: {project.Name}");
        }

        group.AddIngressRule(group, Port.Tcp(nodes[0].ClusterPort), "NATS routes between the nodes");
        group.AddEgressRule(group, Port.Tcp(nodes[0].ClusterPort), "NATS routes between the nodes");
        // Pulling the image (ECR/public registries), Secrets Manager and CloudWatch Logs are reached over HTTPS.
        group.AddEgressRule(Peer.AnyIpv4(), Port.Tcp(443), "HTTPS to AWS APIs and the image registry");

        var storage = new Amazon.CDK.AWS.EFS.FileSystem(stack, $"{nats.Name}-storage", new FileSystemProps
        {
            Vpc = cluster.Vpc,
            Encrypted = true,
            PerformanceMode = PerformanceMode.GENERAL_PURPOSE,
            ThroughputMode = ThroughputMode.ELASTIC,
            RemovalPolicy = RemovalPolicy.RETAIN,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
        });
        storage.Connections.AllowDefaultPortFrom(group, "JetStream storage of the NATS nodes");
        group.AddEgressRule(storage.Connections.SecurityGroups[0], Port.Tcp(2049), "JetStream storage (EFS)");

        var logs = new LogGroup(stack, $"{nats.Name}-logs", new LogGroupProps
        {
            LogGroupName = $"/gaming/{nats.Name}",
            Retention = RetentionDays.ONE_MONTH,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        var image = nats.Body["image"]!.GetValue<string>() + settings.Nats.ImageSuffix;

        foreach (var node in nodes)
        {
            var accessPoint = storage.AddAccessPoint(node.Name, new AccessPointOptions
            {
                Path = $"/{node.Name}",
                CreateAcl = new Acl { OwnerUid = "0", OwnerGid = "0", Permissions = "750" },
                PosixUser = new PosixUser { Uid = "0", Gid = "0" },
            });
            var task = new FargateTaskDefinition(stack, $"{node.Name}-task", new FargateTaskDefinitionProps
            {
                Cpu = settings.Nats.Cpu,
                MemoryLimitMiB = settings.Nats.MemoryMiB,
                Volumes =
                [
                    new Amazon.CDK.AWS.ECS.Volume
                    {
                        Name = "jetstream",
                        EfsVolumeConfiguration = new EfsVolumeConfiguration
                        {
                            FileSystemId = storage.FileSystemId,
                            TransitEncryption = "ENABLED",
                            AuthorizationConfig = new AuthorizationConfig { AccessPointId = accessPoint.AccessPointId, Iam = "ENABLED" },
                        },
                    },
                ],
            });
            // The node mounts its own access point and nothing else.
            task.AddToTaskRolePolicy(new PolicyStatement(new PolicyStatementProps
            {
                Actions = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                Resources = [storage.FileSystemArn],
                Conditions = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["elasticfilesystem:AccessPointArn"] = accessPoint.AccessPointArn },
                },
            }));

            var secrets = new Dictionary<string, EcsSecret>(StringComparer.Ordinal)
            {
                ["NATS_TLS_CA"] = EcsSecret.FromSecretsManager(tls, "ca"),
                ["NATS_TLS_CERT"] = EcsSecret.FromSecretsManager(tls, "cert"),
                ["NATS_TLS_KEY"] = EcsSecret.FromSecretsManager(tls, "key"),
            };
            foreach (var user in users)
            {
                secrets[user.PasswordVariable] = EcsSecret.FromSecretsManager(passwords[user.Name]);
            }

            var config = NatsClusterConfig.Render(node, nodes, ContainerFiles, users);
            var container = task.AddContainer("nats", new ContainerDefinitionOptions
            {
                ContainerName = "nats",
                Image = ContainerImage.FromRegistry(image),
                Essential = true,
                EntryPoint = ["/bin/sh", "-c"],
                // The configuration (no secret in it) and the TLS files are written from the task's environment.
                Command = [StartScript()],
                Environment = new Dictionary<string, string> { ["NATS_CONFIG"] = config },
                Secrets = secrets,
                PortMappings =
                [
                    new PortMapping { ContainerPort = node.ClientPort, Name = "client" },
                    new PortMapping { ContainerPort = node.ClusterPort, Name = "cluster" },
                    new PortMapping { ContainerPort = node.MonitorPort, Name = "monitor" },
                ],
                Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = logs, StreamPrefix = node.Name }),
                HealthCheck = new EcsHealthCheck
                {
                    Command = ["CMD-SHELL", $"wget -q -O /dev/null 'http://127.0.0.1:{node.MonitorPort.ToString(CultureInfo.InvariantCulture)}/healthz?js-enabled-only=true' || exit 1"],
                    Interval = Duration.Seconds(10),
                    Timeout = Duration.Seconds(5),
                    Retries = 3,
                    StartPeriod = Duration.Seconds(30),
                },
            });
            container.AddMountPoints(new MountPoint { ContainerPath = "/data", SourceVolume = "jetstream", ReadOnly = false });

            new FargateService(stack, $"{node.Name}-service", new FargateServiceProps
            {
                Cluster = cluster,
                ServiceName = node.Name,
                TaskDefinition = task,
                DesiredCount = 1,
                // One task per node and store: the old task stops before the new one mounts the same JetStream store.
                MinHealthyPercent = 0,
                MaxHealthyPercent = 100,
                AssignPublicIp = false,
                VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
                SecurityGroups = [group],
                CloudMapOptions = new CloudMapOptions { CloudMapNamespace = dns, Name = node.Name, DnsRecordType = DnsRecordType.A, DnsTtl = Duration.Seconds(10) },
            });
        }

        return new NatsDeployment(nats.Name, nodes, passwords, group);
    }

    /// <summary>
    /// What a node's container runs: writes the configuration (no secret in it), the passwords file and the TLS files
    /// from the task's environment into <paramref name="directory"/>, then execs nats-server on them.
    /// </summary>
    public static string StartScript(string directory = ConfigDirectory, string server = "nats-server", string arguments = "") =>
        $"mkdir -p {directory} && umask 077"
        + $" && printf '%s' \"$NATS_CONFIG\" > {directory}/nats.conf"
        // The passwords (letters and digits, from Secrets Manager) as quoted variables the configuration includes.
        + $" && env | sed -n 's/^\\(NATS_PASSWORD_[A-Z0-9_]*\\)=\\(.*\\)$/\\1: \"\\2\"/p' > {directory}/{NatsClusterConfig.PasswordsFile}"
        + $" && printf '%s' \"$NATS_TLS_CA\" > {directory}/ca.pem"
        + $" && printf '%s' \"$NATS_TLS_CERT\" > {directory}/server.pem"
        + $" && printf '%s' \"$NATS_TLS_KEY\" > {directory}/server-key.pem"
        + $" && exec {server} -c {directory}/nats.conf {arguments}";

    /// <summary>The TLS files the start script writes into <paramref name="directory"/>, and the JetStream store.</summary>
    public static NatsNodeFiles FilesIn(string directory, string storeDirectory) =>
        new(storeDirectory, $"{directory}/server.pem", $"{directory}/server-key.pem", $"{directory}/ca.pem");
}

using System.Text.Json;

namespace GamingSystem.Deploy;

/// <summary>
/// The few deployment choices the manifest cannot carry: where, how big, which domain. Read from a small JSON file
/// (<c>deploy/deploy.settings.json</c>); everything has a default, so the file may be empty.
/// </summary>
public sealed record DeploySettings
{
    public string StackName { get; init; } = "GamingSystem";

    /// <summary>AWS account and region; the account may stay empty (environment-agnostic template).</summary>
    public string Region { get; init; } = "eu-west-1";

    public string? Account { get; init; }

    /// <summary>An existing VPC to deploy into; when null a new VPC is created (2 AZs, one NAT gateway).</summary>
    public ExistingVpc? Vpc { get; init; }

    /// <summary>The private DNS namespace (Cloud Map) in which every service and NATS node has a stable name.</summary>
    public string Namespace { get; init; } = "gaming.internal";

    /// <summary>The gateway's public name (documentation and outputs); the certificate is a stack parameter.</summary>
    public string? Domain { get; init; }

    /// <summary>Where the service images are pushed (<c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com/gaming</c>).</summary>
    public string ImageRepository { get; init; } = "gaming";

    public string ImageTag { get; init; } = "latest";

    public ServiceSize Service { get; init; } = new();

    /// <summary>Per-service overrides of <see cref="Service"/>, by resource name.</summary>
    public IReadOnlyDictionary<string, ServiceSize> Services { get; init; } = new Dictionary<string, ServiceSize>();

    public NatsSize Nats { get; init; } = new();

    public RedisSize Redis { get; init; } = new();

    public AlarmSettings Alarms { get; init; } = new();

    public ServiceSize SizeOf(string resource) => Services.TryGetValue(resource, out var size) ? size : Service;

    public static DeploySettings Load(string? path)
    {
        if (path is null)
        {
            return new DeploySettings();
        }

        return JsonSerializer.Deserialize<DeploySettings>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}

public sealed record ExistingVpc(string VpcId, IReadOnlyList<string> AvailabilityZones, IReadOnlyList<string> PrivateSubnetIds, IReadOnlyList<string> PublicSubnetIds);

/// <summary>One Fargate service: vCPU units (256 = 0.25 vCPU), memory, and the task count range.</summary>
public sealed record ServiceSize
{
    public int Cpu { get; init; } = 256;

    public int MemoryMiB { get; init; } = 512;

    public int DesiredCount { get; init; } = 2;

    public int MaxCount { get; init; } = 6;

    /// <summary>Average CPU the autoscaling keeps tasks at.</summary>
    public int TargetCpuPercent { get; init; } = 60;
}

public sealed record NatsSize
{
    public int Cpu { get; init; } = 512;

    public int MemoryMiB { get; init; } = 1024;

    /// <summary>Cluster nodes; JetStream streams are replicated on min(3, nodes).</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>The image that runs nats-server with a shell (writes its config from the task's environment).</summary>
    public string ImageSuffix { get; init; } = "-alpine";
}

public sealed record RedisSize
{
    public string NodeType { get; init; } = "cache.t4g.small";

    /// <summary>Primary plus replicas (2 = one replica, with automatic failover across AZs).</summary>
    public int Nodes { get; init; } = 2;
}

public sealed record AlarmSettings
{
    /// <summary>Gateway 5xx responses per minute above which the alarm fires.</summary>
    public int Gateway5xxPerMinute { get; init; } = 10;

    /// <summary>Gateway p99 latency (seconds) above which the alarm fires.</summary>
    public double GatewayP99Seconds { get; init; } = 1.0;
}

using GamingSystem.Contracts.CapabilityRegistry.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.CapabilityRegistry;

/// <summary>
/// Live instances in Redis: one hash per instance (its registration and TTL) that Redis expires by itself, and an
/// index sorted by expiry, so a listing reads only instances still alive. Redis rather than JetStream KV: every
/// instance has a TTL of its own, which KV on nats-server 2.9 cannot give (a bucket has one TTL for every key).
/// </summary>
public sealed class InstanceStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Prefix = "{capability-registry}";
    private static readonly RedisKey Index = $"{Prefix}:instances";

    // KEYS: instance, index. ARGV: registration, ttl (ms), expiry (ms), index member.
    private const string RegisterScript = """
        redis.call('HSET', KEYS[1], 'data', ARGV[1], 'ttl', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
        return 1
        """;

    // KEYS: instance, index. ARGV: now (ms), index member. Nil when the instance expired or never was.
    private const string HeartbeatScript = """
        local ttl = redis.call('HGET', KEYS[1], 'ttl')
        if not ttl then
          return nil
        end
        local expiry = tonumber(ARGV[1]) + tonumber(ttl)
        redis.call('PEXPIRE', KEYS[1], ttl)
        redis.call('ZADD', KEYS[2], expiry, ARGV[2])
        return { redis.call('HGET', KEYS[1], 'data'), tostring(expiry) }
        """;

    // KEYS: instance, index. ARGV: index member.
    private const string DeregisterScript = """
        redis.call('ZREM', KEYS[2], ARGV[1])
        return redis.call('DEL', KEYS[1])
        """;

    public async Task<Instance> RegisterAsync(RegisterRequest request)
    {
        var now = time.GetUtcNow();
        var ttl = TimeSpan.FromSeconds(request.TtlSeconds);
        var instance = new Instance
        {
            Service = request.Service,
            InstanceId = request.InstanceId,
            Capabilities = { request.Capabilities },
            Metadata = { request.Metadata },
            RegisteredAt = Timestamp.FromDateTimeOffset(now),
        };
        await redis.GetDatabase().ScriptEvaluateAsync(
            RegisterScript,
            [Key(request.Service, request.InstanceId), Index],
            [instance.ToByteArray(), (long)ttl.TotalMilliseconds, (now + ttl).ToUnixTimeMilliseconds(), Member(request.Service, request.InstanceId)]).ConfigureAwait(false);
        instance.ExpiresAt = Timestamp.FromDateTimeOffset(now + ttl);
        return instance;
    }

    /// <summary>Renews the instance's TTL; null when it has expired (or never registered).</summary>
    public async Task<Instance?> HeartbeatAsync(string service, string instanceId)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            HeartbeatScript,
            [Key(service, instanceId), Index],
            [time.GetUtcNow().ToUnixTimeMilliseconds(), Member(service, instanceId)]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        return Read((byte[])parts[0]!, long.Parse((string)parts[1]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<bool> DeregisterAsync(string service, string instanceId)
    {
        var removed = await redis.GetDatabase().ScriptEvaluateAsync(
            DeregisterScript, [Key(service, instanceId), Index], [Member(service, instanceId)]).ConfigureAwait(false);
        return (long)removed > 0;
    }

    /// <summary>Every instance alive now, ordered by service and instance id.</summary>
    public async Task<IReadOnlyList<Instance>> ListAsync()
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Index entries of instances that expired are dropped here; Redis has already expired their hashes.
        await db.SortedSetRemoveRangeByScoreAsync(Index, double.NegativeInfinity, now, Exclude.Stop).ConfigureAwait(false);
        var live = await db.SortedSetRangeByScoreWithScoresAsync(Index, now, double.PositiveInfinity, Exclude.Start).ConfigureAwait(false);
        var reads = live.Select(entry => db.HashGetAsync(Key((string)entry.Element!), "data")).ToArray();
        var instances = new List<Instance>(live.Length);
        for (var i = 0; i < live.Length; i++)
        {
            if ((byte[]?)await reads[i].ConfigureAwait(false) is { } data)
            {
                instances.Add(Read(data, (long)live[i].Score));
            }
        }

        return [.. instances.OrderBy(i => i.Service, StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)];
    }

    private static Instance Read(byte[] data, long expiresAtMs)
    {
        var instance = Instance.Parser.ParseFrom(data);
        instance.ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs));
        return instance;
    }

    private static string Member(string service, string instanceId) => $"{service}/{instanceId}";

    private static RedisKey Key(string service, string instanceId) => Key(Member(service, instanceId));

    private static RedisKey Key(string member) => $"{Prefix}:instance:{member}";
}

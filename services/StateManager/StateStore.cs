using System.Globalization;
using StackExchange.Redis;

namespace GamingSystem.StateManager;

/// <summary>
/// Versioned entries in Redis. Every write is one Lua script, so the version check and the write are
/// atomic. Versions come from one counter and are never reused, so a key deleted and written again can
/// not be mistaken for the entry a caller read earlier.
/// </summary>
/// <remarks>
/// Keys share the hash tag <c>{state-manager}</c> so that each script's keys live in one cluster slot.
/// </remarks>
public sealed class StateStore(IConnectionMultiplexer redis)
{
    private const string Prefix = "{state-manager}";
    private static readonly RedisKey Index = $"{Prefix}:index";
    private static readonly RedisKey Sequence = $"{Prefix}:version";

    // Returns {1, version} on success, {0, current version} on a version mismatch (0 = absent).
    private const string PutScript = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= current then
          return {0, current}
        end
        local version = redis.call('INCR', KEYS[3])
        redis.call('HSET', KEYS[1], 'value', ARGV[1], 'version', version)
        if tonumber(ARGV[3]) > 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
        else
          redis.call('PERSIST', KEYS[1])
        end
        redis.call('ZADD', KEYS[2], 0, ARGV[4])
        return {1, version}
        """;

    // Returns {1, deleted version}, {0, current version} on a mismatch, {2, 0} when absent.
    private const string DeleteScript = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if current == 0 then
          redis.call('ZREM', KEYS[2], ARGV[2])
          if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= 0 then
            return {0, 0}
          end
          return {2, 0}
        end
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= current then
          return {0, current}
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        return {1, current}
        """;

    public async Task<StateEntry?> GetAsync(string key)
    {
        var db = redis.GetDatabase();
        var fields = db.HashGetAsync(DataKey(key), ["value", "version"]);
        var ttl = db.KeyTimeToLiveAsync(DataKey(key));
        var values = await fields.ConfigureAwait(false);
        if (values[1].IsNull)
        {
            return null;
        }

        var remaining = await ttl.ConfigureAwait(false);
        return new StateEntry(key, (byte[])values[0]!, (long)values[1], remaining is { } t ? (long)Math.Ceiling(t.TotalSeconds) : 0);
    }

    public async Task<WriteResult> PutAsync(string key, byte[] value, long? expectedVersion, long ttlSeconds)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            PutScript,
            [DataKey(key), Index, Sequence],
            [value, Optional(expectedVersion), ttlSeconds * 1000, key]).ConfigureAwait(false))!;
        return new WriteResult((int)result[0] == 1, (long)result[1]);
    }

    public async Task<DeleteResult> DeleteAsync(string key, long? expectedVersion)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            DeleteScript,
            [DataKey(key), Index],
            [Optional(expectedVersion), key]).ConfigureAwait(false))!;
        return (int)result[0] switch
        {
            1 => new DeleteResult(DeleteOutcome.Deleted, (long)result[1]),
            2 => new DeleteResult(DeleteOutcome.NotFound, 0),
            _ => new DeleteResult(DeleteOutcome.VersionMismatch, (long)result[1]),
        };
    }

    /// <summary>
    /// Keys in order from <paramref name="after"/> (exclusive) that start with <paramref name="prefix"/>.
    /// Index entries whose data expired are removed on the way.
    /// </summary>
    public async Task<(IReadOnlyList<StateEntry> Entries, string? Next)> ListAsync(string prefix, string? after, int pageSize)
    {
        var db = redis.GetDatabase();
        var entries = new List<StateEntry>(pageSize);
        // SE.Redis adds ZRANGEBYLEX's '[' / '(' itself from Exclude; a null bound means open-ended.
        RedisValue min = after ?? prefix;
        var exclude = after is null ? Exclude.None : Exclude.Start;
        RedisValue max = prefix.Length == 0 ? RedisValue.Null : prefix + '\uffff';
        while (true)
        {
            // One more than needed tells whether another page follows.
            var want = pageSize - entries.Count + 1;
            var keys = await db.SortedSetRangeByValueAsync(Index, min, max, exclude, Order.Ascending, 0, want).ConfigureAwait(false);
            var reads = keys.Select(k => db.HashGetAsync(DataKey(k.ToString()), ["value", "version"])).ToArray();
            foreach (var (raw, read) in keys.Zip(reads))
            {
                var values = await read.ConfigureAwait(false);
                if (values[1].IsNull)
                {
                    // Expired by TTL: its index entry goes too.
                    await db.SortedSetRemoveAsync(Index, raw).ConfigureAwait(false);
                    continue;
                }

                if (entries.Count == pageSize)
                {
                    return (entries, entries[^1].Key);
                }

                entries.Add(new StateEntry(raw.ToString(), (byte[])values[0]!, (long)values[1], 0));
            }

            if (keys.Length < want)
            {
                return (entries, null);
            }

            min = keys[^1];
            exclude = Exclude.Start;
        }
    }

    private static RedisKey DataKey(string key) => $"{Prefix}:data:{key}";

    private static RedisValue Optional(long? value) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : string.Empty;
}

public sealed record StateEntry(string Key, byte[] Value, long Version, long TtlSeconds);

public sealed record WriteResult(bool Written, long Version);

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    VersionMismatch,
}

public sealed record DeleteResult(DeleteOutcome Outcome, long Version);

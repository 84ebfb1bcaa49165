using GamingSystem.Contracts.WorldState.V1;
using Google.Protobuf;
using StackExchange.Redis;

namespace GamingSystem.WorldState;

/// <summary>The outcome of a compare-and-set: written, or refused with the version that is stored.</summary>
public readonly record struct Written(bool Ok, long CurrentVersion);

/// <summary>
/// Regions and player locations in Redis, under the hash tag <c>{world-state}</c> so every script's keys share one
/// cluster slot. A region is one hash (its protobuf and its version); every write is a Lua script that checks the
/// version it read, so concurrent updates never lose one another.
/// </summary>
public sealed class RegionStore(IConnectionMultiplexer redis)
{
    public const string Prefix = "{world-state}";
    private static readonly RedisKey Index = $"{Prefix}:regions";

    // KEYS: region, index. ARGV: id, data. Writes a seed region unless one is stored; 1 when it was written.
    private const string SeedScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', 1)
        redis.call('ZADD', KEYS[2], 0, ARGV[1])
        return 1
        """;

    // KEYS: region. ARGV: the version read, the new data. {1, new} when written, {0, current} when the version moved,
    // {-1, 0} when the region is gone.
    private const string UpdateScript = """
        local current = redis.call('HGET', KEYS[1], 'version')
        if not current then return {-1, 0} end
        if tonumber(current) ~= tonumber(ARGV[1]) then return {0, tonumber(current)} end
        local version = tonumber(current) + 1
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', version)
        return {1, version}
        """;

    // KEYS: location. ARGV: the region read ('' for none), the new region, the new data. {1, moves} when written,
    // {0, 0} when the player moved in between.
    private const string MoveScript = """
        local current = redis.call('HGET', KEYS[1], 'region') or ''
        if current ~= ARGV[1] then return {0, 0} end
        local moves = redis.call('HINCRBY', KEYS[1], 'moves', 1)
        redis.call('HSET', KEYS[1], 'region', ARGV[2], 'data', ARGV[3])
        return {1, moves}
        """;

    /// <summary>Writes each region that is not stored yet, leaving what operators changed since; the ids written.</summary>
    public async Task<IReadOnlyList<string>> SeedAsync(IEnumerable<Region> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var db = redis.GetDatabase();
        var seeded = new List<string>();
        foreach (var region in regions)
        {
            var written = (long)await db.ScriptEvaluateAsync(SeedScript, [RegionKey(region.Id), Index], [region.Id, region.ToByteArray()]).ConfigureAwait(false);
            if (written == 1)
            {
                seeded.Add(region.Id);
            }
        }

        return seeded;
    }

    public async Task<Region?> GetAsync(string regionId)
    {
        var data = await redis.GetDatabase().HashGetAsync(RegionKey(regionId), "data").ConfigureAwait(false);
        return data.IsNull ? null : Region.Parser.ParseFrom((byte[])data!);
    }

    /// <summary>Every region, ordered by id: the map is tens of regions, so filters and pages are applied in memory.</summary>
    public async Task<IReadOnlyList<Region>> ListAsync()
    {
        var db = redis.GetDatabase();
        var ids = await db.SortedSetRangeByValueAsync(Index).ConfigureAwait(false);
        var batch = db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(RegionKey(id!), "data")).ToList();
        batch.Execute();
        var data = await Task.WhenAll(reads).ConfigureAwait(false);
        return data.Where(d => !d.IsNull).Select(d => Region.Parser.ParseFrom((byte[])d!)).ToList();
    }

    /// <summary>Stores <paramref name="region"/> (already at its new version) if the stored one is still <paramref name="readVersion"/>.</summary>
    public async Task<Written?> UpdateAsync(Region region, long readVersion)
    {
        ArgumentNullException.ThrowIfNull(region);
        var result = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(UpdateScript, [RegionKey(region.Id)], [readVersion, region.ToByteArray()]).ConfigureAwait(false))!;
        return (long)result[0] switch
        {
            -1 => null,
            var ok => new Written(ok == 1, (long)result[1]),
        };
    }

    /// <summary>The player's location, or null for a player who never moved.</summary>
    public async Task<PlayerLocation?> LocationAsync(string playerId)
    {
        var data = await redis.GetDatabase().HashGetAsync(LocationKey(playerId), "data").ConfigureAwait(false);
        return data.IsNull ? null : PlayerLocation.Parser.ParseFrom((byte[])data!);
    }

    /// <summary>Moves the player if they are still where they were read (<paramref name="fromRegionId"/>, empty if they never moved); the move's number, or null.</summary>
    public async Task<long?> MoveAsync(PlayerLocation location, string fromRegionId)
    {
        ArgumentNullException.ThrowIfNull(location);
        var result = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(
            MoveScript, [LocationKey(location.PlayerId)], [fromRegionId, location.RegionId, location.ToByteArray()]).ConfigureAwait(false))!;
        return (long)result[0] == 1 ? (long)result[1] : null;
    }

    public static string RegionKey(string regionId) => $"{Prefix}:region:{regionId}";

    public static string LocationKey(string playerId) => $"{Prefix}:location:{playerId}";
}

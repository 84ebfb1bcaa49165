using System.Globalization;
using GamingSystem.TimeManager.Domain;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GamingSystem.TimeManager;

/// <summary>
/// The clock and the ticker's lease in Redis, under the hash tag <c>{time-manager}</c>. Changes are compare-and-set on
/// the clock's version, so two replicas changing it at once never lose a change; the last ticked hour is written only
/// by the lease's holder.
/// </summary>
public sealed class ClockStore(IConnectionMultiplexer redis, TimeProvider time, IOptions<TimeOptions> options)
{
    public const string Prefix = "{time-manager}";
    public static readonly RedisKey ClockKey = $"{Prefix}:clock";
    public static readonly RedisKey LeaseKey = $"{Prefix}:ticker-lease";

    // KEYS: clock. ARGV: base, anchor, scale. Creates the clock unless it exists.
    private const string CreateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'base', ARGV[1], 'anchor', ARGV[2], 'scale', ARGV[3], 'paused', 0, 'last_tick', -1, 'version', 1)
        return 1
        """;

    // KEYS: clock. ARGV: version read, base, anchor, scale, paused. 1 when written, 0 when the version moved.
    private const string WriteScript = """
        if tonumber(redis.call('HGET', KEYS[1], 'version') or '0') ~= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'base', ARGV[2], 'anchor', ARGV[3], 'scale', ARGV[4], 'paused', ARGV[5])
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        return 1
        """;

    // KEYS: lease. ARGV: holder, milliseconds. 1 when the caller holds it (taken or renewed).
    private const string LeaseScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
        if holder then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    // KEYS: lease, clock. ARGV: holder, hour. Records the hour as ticked if the caller still holds the lease.
    private const string TickedScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[2], 'last_tick') or '-1') then
          redis.call('HSET', KEYS[2], 'last_tick', ARGV[2])
        end
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>The clock, created at its start (<see cref="TimeOptions"/>) the first time the world asks.</summary>
    public async Task<ClockState> ReadAsync()
    {
        var db = redis.GetDatabase();
        var fields = await db.HashGetAllAsync(ClockKey).ConfigureAwait(false);
        if (fields.Length > 0)
        {
            return Parse(fields);
        }

        var o = options.Value;
        await db.ScriptEvaluateAsync(CreateScript, [ClockKey], [Number(o.StartMinutes), time.GetUtcNow().ToUnixTimeMilliseconds(), Number(o.InitialScale)]).ConfigureAwait(false);
        return Parse(await db.HashGetAllAsync(ClockKey).ConfigureAwait(false));
    }

    /// <summary>Writes <paramref name="state"/> if the clock is still at its version; false when another change came first.</summary>
    public async Task<bool> WriteAsync(ClockState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var written = await redis.GetDatabase().ScriptEvaluateAsync(
            WriteScript, [ClockKey], [state.Version, Number(state.BaseMinutes), state.AnchorUnixMs, Number(state.Scale), state.Paused ? 1 : 0]).ConfigureAwait(false);
        return (long)written == 1;
    }

    public async Task<bool> HoldLeaseAsync(string holder) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(LeaseScript, [LeaseKey], [holder, (long)options.Value.LeaseDuration.TotalMilliseconds]).ConfigureAwait(false) == 1;

    /// <summary>Records <paramref name="gameHour"/> as ticked; false when the lease was lost (another replica ticks now).</summary>
    public async Task<bool> TickedAsync(string holder, long gameHour) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(TickedScript, [LeaseKey, ClockKey], [holder, gameHour]).ConfigureAwait(false) == 1;

    public async Task ReleaseLeaseAsync(string holder) =>
        await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [LeaseKey], [holder]).ConfigureAwait(false);

    private static ClockState Parse(HashEntry[] fields)
    {
        var map = fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString(), StringComparer.Ordinal);
        return new ClockState(
            double.Parse(map["base"], CultureInfo.InvariantCulture),
            long.Parse(map["anchor"], CultureInfo.InvariantCulture),
            double.Parse(map["scale"], CultureInfo.InvariantCulture),
            map["paused"] == "1",
            long.Parse(map["last_tick"], CultureInfo.InvariantCulture),
            long.Parse(map["version"], CultureInfo.InvariantCulture));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

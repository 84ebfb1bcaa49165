using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.NpcBehavior.Domain;
using Google.Protobuf;
using StackExchange.Redis;

namespace GamingSystem.NpcBehavior;

/// <summary>
/// NPCs in Redis, and the decay clock: how many game hours of decay have passed since the service began. Each NPC is
/// stored with its needs as of a clock reading; its needs now are those needs after the hours since (see
/// <see cref="NeedsDecay"/>), so a tick costs one write however many NPCs there are. A tick advances the clock once per
/// game hour: a redelivered or late tick of an hour already counted changes nothing.
/// </summary>
public sealed class NpcStore(IConnectionMultiplexer redis)
{
    public const string Prefix = "{npc-behavior}";
    public const string ClockKey = Prefix + ":clock";

    /// <summary>After a long outage, at most a week of decay is applied at once.</summary>
    public const long MaxHoursPerTick = 168;

    // KEYS: clock. ARGV: game hour, cap. Returns the hours added and the clock's hours after.
    private const string AdvanceScript = """
        local hour = tonumber(ARGV[1])
        local last = redis.call('HGET', KEYS[1], 'last_hour')
        if last and hour <= tonumber(last) then
          return {0, tonumber(redis.call('HGET', KEYS[1], 'hours') or '0')}
        end
        local add = 1
        if last then add = math.min(hour - tonumber(last), tonumber(ARGV[2])) end
        redis.call('HSET', KEYS[1], 'last_hour', ARGV[1])
        return {add, redis.call('HINCRBY', KEYS[1], 'hours', add)}
        """;

    // KEYS: npc, clock. ARGV: data. Stores the NPC as of the clock's current reading.
    private const string PutScript = """
        local hours = redis.call('HGET', KEYS[2], 'hours') or '0'
        redis.call('HSET', KEYS[1], 'data', ARGV[1], 'clock', hours)
        return hours
        """;

    // KEYS: npc, clock. Returns data, the clock reading it was stored at, and the clock now.
    private const string GetScript = """
        local v = redis.call('HMGET', KEYS[1], 'data', 'clock')
        return {v[1], v[2], redis.call('HGET', KEYS[2], 'hours') or '0'}
        """;

    public async Task PutAsync(Npc npc)
    {
        ArgumentNullException.ThrowIfNull(npc);
        await redis.GetDatabase().ScriptEvaluateAsync(PutScript, [Key(npc.Id), ClockKey], [npc.ToByteArray()]).ConfigureAwait(false);
    }

    /// <summary>The NPC with its needs as of now, or null.</summary>
    public async Task<Npc?> GetAsync(string npcId)
    {
        var values = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(GetScript, [Key(npcId), ClockKey]).ConfigureAwait(false))!;
        if (values[0].IsNull)
        {
            return null;
        }

        var npc = Npc.Parser.ParseFrom((byte[])values[0]!);
        npc.Needs = NeedsDecay.After(npc.Needs ?? new Needs(), npc.Traits ?? new Traits(), (long)values[2] - (long)values[1]);
        return npc;
    }

    /// <summary>Counts game hour <paramref name="gameHour"/> once: the decay hours it adds (0 for an hour already counted).</summary>
    public async Task<long> AdvanceAsync(long gameHour)
    {
        var result = (RedisValue[])(await redis.GetDatabase().ScriptEvaluateAsync(AdvanceScript, [ClockKey], [gameHour, MaxHoursPerTick]).ConfigureAwait(false))!;
        return (long)result[0];
    }

    public static string Key(string npcId) => $"{Prefix}:npc:{npcId}";
}

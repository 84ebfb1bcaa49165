using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using Google.Protobuf;
using StackExchange.Redis;

namespace GamingSystem.EnvironmentalNarrative;

/// <summary>What the service knows of a region: its latest region and weather, its recent events, and how many.</summary>
public sealed record Inputs(Region? Region, Weather? Weather, IReadOnlyList<string> RecentEvents, long EventsVersion);

/// <summary>A description as stored: the signature of the inputs it was written from.</summary>
public sealed record CachedText(string Signature, string Text, ContentSource Source);

/// <summary>
/// Under <c>{environmental-narrative}</c>: per region, the inputs the events keep current (a snapshot is replaced only
/// by a newer one: a region by version, weather by game time) and the last description written from them.
/// </summary>
public sealed class NarrativeStore(IConnectionMultiplexer redis)
{
    public const string Prefix = "{environmental-narrative}";
    public const int RecentEventsKept = 5;
    public static readonly TimeSpan TextLifetime = TimeSpan.FromHours(1);

    // KEYS: inputs, recent. ARGV: field, order, data, event line ('' for none), events kept.
    private const string SnapshotScript = """
        local order = redis.call('HGET', KEYS[1], ARGV[1] .. '_order')
        if order and tonumber(order) >= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3], ARGV[1] .. '_order', ARGV[2])
        if ARGV[4] ~= '' then
          redis.call('LPUSH', KEYS[2], ARGV[4])
          redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
          redis.call('HINCRBY', KEYS[1], 'events', 1)
        end
        return 1
        """;

    public async Task<Inputs> InputsAsync(string regionId)
    {
        var db = redis.GetDatabase();
        var fields = db.HashGetAsync(InputsKey(regionId), ["region", "weather", "events"]);
        var recent = db.ListRangeAsync(RecentKey(regionId), 0, RecentEventsKept - 1);
        var values = await fields.ConfigureAwait(false);
        return new Inputs(
            values[0].IsNull ? null : Region.Parser.ParseFrom((byte[])values[0]!),
            values[1].IsNull ? null : Weather.Parser.ParseFrom((byte[])values[1]!),
            (await recent.ConfigureAwait(false)).Select(v => v.ToString()).ToList(),
            values[2].IsNull ? 0 : (long)values[2]);
    }

    /// <summary>Keeps <paramref name="region"/> unless a later version is stored; <paramref name="news"/> joins the recent events.</summary>
    public Task<bool> RegionAsync(Region region, string news = "") => SnapshotAsync(region.Id, "region", region.Version, region.ToByteArray(), news);

    public Task<bool> WeatherAsync(Weather weather, string news = "") => SnapshotAsync(weather.RegionId, "weather", weather.GameMinutes, weather.ToByteArray(), news);

    public async Task<CachedText?> TextAsync(string regionId, string viewer)
    {
        var values = await redis.GetDatabase().HashGetAsync(TextKey(regionId, viewer), ["signature", "text", "source"]).ConfigureAwait(false);
        return values[0].IsNull ? null : new CachedText(values[0]!, values[1]!, (ContentSource)(int)values[2]);
    }

    public async Task PutTextAsync(string regionId, string viewer, CachedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var db = redis.GetDatabase();
        var key = TextKey(regionId, viewer);
        var transaction = db.CreateTransaction();
        _ = transaction.HashSetAsync(key, [new("signature", text.Signature), new("text", text.Text), new("source", (int)text.Source)]);
        _ = transaction.KeyExpireAsync(key, TextLifetime);
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    private async Task<bool> SnapshotAsync(string regionId, string field, long order, byte[] data, string news)
    {
        var written = await redis.GetDatabase().ScriptEvaluateAsync(
            SnapshotScript, [InputsKey(regionId), RecentKey(regionId)], [field, order, data, news, RecentEventsKept]).ConfigureAwait(false);
        return (long)written == 1;
    }

    private static string InputsKey(string regionId) => $"{Prefix}:inputs:{regionId}";

    private static string RecentKey(string regionId) => $"{Prefix}:recent:{regionId}";

    private static string TextKey(string regionId, string viewer) => $"{Prefix}:text:{regionId}:{viewer}";
}

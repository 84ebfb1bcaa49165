using GamingSystem.Contracts.WeatherManager.V1;
using Google.Protobuf;
using StackExchange.Redis;

namespace GamingSystem.WeatherManager;

/// <summary>
/// Each region's current weather in Redis under <c>{weather-manager}</c>. A write names the hour it is for and lands
/// only if it is later than the stored one, so a redelivered or late tick never moves the weather back.
/// </summary>
public sealed class WeatherStore(IConnectionMultiplexer redis)
{
    public const string Prefix = "{weather-manager}";

    // KEYS: region. ARGV: hour, data. 1 when written (later than what is stored), else 0.
    private const string AdvanceScript = """
        local hour = redis.call('HGET', KEYS[1], 'hour')
        if hour and tonumber(hour) >= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'hour', ARGV[1], 'data', ARGV[2])
        return 1
        """;

    public async Task<Weather?> GetAsync(string regionId)
    {
        var data = await redis.GetDatabase().HashGetAsync(Key(regionId), "data").ConfigureAwait(false);
        return data.IsNull ? null : Weather.Parser.ParseFrom((byte[])data!);
    }

    /// <summary>Stores <paramref name="weather"/> if it is for a later hour than the stored weather.</summary>
    public async Task<bool> AdvanceAsync(Weather weather)
    {
        ArgumentNullException.ThrowIfNull(weather);
        var written = await redis.GetDatabase().ScriptEvaluateAsync(AdvanceScript, [Key(weather.RegionId)], [weather.GameMinutes / 60, weather.ToByteArray()]).ConfigureAwait(false);
        return (long)written == 1;
    }

    public static string Key(string regionId) => $"{Prefix}:region:{regionId}";
}

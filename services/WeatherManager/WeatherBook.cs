using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.WeatherManager.Domain;
using Microsoft.Extensions.Options;

namespace GamingSystem.WeatherManager;

/// <summary>The weather of every region: read, started when first asked for, and advanced hour by hour as ticks arrive.</summary>
public sealed partial class WeatherBook(WeatherStore store, Regions regions, EventPublisher publisher, IOptions<WeatherOptions> options, ILogger<WeatherBook> logger)
{
    private long Seed => options.Value.Seed;

    /// <summary>The region's weather now; a region no tick has reached yet starts at the current game hour.</summary>
    public async Task<(Weather Weather, Region Region)> CurrentAsync(string regionId, CancellationToken cancellationToken)
    {
        var region = await regions.GetAsync(regionId, cancellationToken).ConfigureAwait(false);
        if (await store.GetAsync(regionId).ConfigureAwait(false) is { } stored)
        {
            return (stored, region);
        }

        var started = WeatherChain.Start(Seed, region.Id, region.Climate, await regions.CurrentHourAsync(cancellationToken).ConfigureAwait(false));
        // Another replica or a tick may have written it meanwhile: theirs stands.
        return await store.AdvanceAsync(started).ConfigureAwait(false) ? (started, region) : ((await store.GetAsync(regionId).ConfigureAwait(false))!, region);
    }

    /// <summary>Brings every region to <paramref name="gameHour"/>, one chain step per hour; publishes a change of condition.</summary>
    public async Task AdvanceAsync(long gameHour, CancellationToken cancellationToken)
    {
        foreach (var region in (await regions.AllAsync(cancellationToken).ConfigureAwait(false)).Values)
        {
            var stored = await store.GetAsync(region.Id).ConfigureAwait(false);
            if (stored is not null && stored.GameMinutes / 60 >= gameHour)
            {
                continue;
            }

            var next = stored is null || gameHour - (stored.GameMinutes / 60) > options.Value.MaxCatchUpHours
                ? WeatherChain.Start(Seed, region.Id, region.Climate, gameHour)
                : WeatherChain.Run(Seed, region.Climate, stored, gameHour).Last();
            if (!await store.AdvanceAsync(next).ConfigureAwait(false) || stored is null || stored.Condition == next.Condition)
            {
                continue;
            }

            LogChanged(region.Id, stored.Condition, next.Condition, gameHour);
            await publisher.PublishEventAsync(
                new WeatherChanged { PreviousCondition = stored.Condition, Weather = next }, $"weather:{region.Id}:{gameHour}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next <paramref name="hours"/> hours as the chain will make them, each with its chance given the weather now.</summary>
    public static Forecast Forecast(long seed, Region region, Weather current, int hours)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(current);
        var forecast = new Forecast { RegionId = region.Id };
        var hour = 0;
        foreach (var ahead in WeatherChain.Run(seed, region.Climate, current, (current.GameMinutes / 60) + hours))
        {
            hour++;
            forecast.Hours.Add(new ForecastHour
            {
                Hour = hour,
                Condition = ahead.Condition,
                TemperatureCelsius = ahead.TemperatureCelsius,
                WindKph = ahead.WindKph,
                PrecipitationMm = ahead.PrecipitationMm,
                Probability = Math.Round(WeatherChain.Distribution(region.Climate, current.Condition, hour)[WeatherChain.Index(ahead.Condition)], 4),
            });
        }

        return forecast;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Weather in {RegionId}: {From} -> {To} at game hour {Hour}")]
    private partial void LogChanged(string regionId, Condition from, Condition to, long hour);
}

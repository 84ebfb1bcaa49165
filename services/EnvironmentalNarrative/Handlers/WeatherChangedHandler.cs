using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.EnvironmentalNarrative.Handlers;

/// <summary>A change of weather replaces the snapshot (unless a later one is kept) and joins the region's recent events.</summary>
public sealed class WeatherChangedHandler(NarrativeStore store) : IEventHandler<WeatherChanged>
{
    public async ValueTask HandleAsync(WeatherChanged evt, EventContext context)
    {
        if (evt.Weather is { RegionId.Length: > 0 } weather)
        {
            var news = $"the weather turned from {Words(evt.PreviousCondition)} to {Words(weather.Condition)}";
            await store.WeatherAsync(weather, news).ConfigureAwait(false);
        }
    }

    private static string Words(Condition condition) => condition.ToString().ToLowerInvariant();
}

using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.EnvironmentalNarrative.Handlers;

/// <summary>A changed region replaces the snapshot (unless a later version is kept) and joins the region's recent events.</summary>
public sealed class RegionChangedHandler(NarrativeStore store) : IEventHandler<RegionChanged>
{
    public async ValueTask HandleAsync(RegionChanged evt, EventContext context)
    {
        if (evt.Region is { Id.Length: > 0 } region)
        {
            await store.RegionAsync(region, News(region, evt.ChangedFields)).ConfigureAwait(false);
        }
    }

    public static string News(Region region, IEnumerable<string> changedFields) => string.Join(", ", changedFields.Select(field => field switch
    {
        "controlling_faction" => $"{region.ControllingFaction} took control",
        "danger" => $"the danger is now {region.Danger} of 10",
        "population" => $"its people number {region.Population}",
        "tags" => $"it is known for {string.Join(", ", region.Tags)}",
        _ => $"its {field.Replace('_', ' ')} changed",
    }));
}

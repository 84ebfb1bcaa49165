using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.WorldState;

/// <summary>
/// The world's events, published after the change is stored. Each key names what caused it (a region's version, a
/// player's n-th move), so a retried publish is stored once; a lost event is logged and counted, the change stands.
/// </summary>
public sealed class WorldEvents(EventPublisher publisher)
{
    public async Task RegionChangedAsync(Region region, IEnumerable<string> changedFields)
    {
        var evt = new RegionChanged { Region = region, ChangedFields = { changedFields } };
        await publisher.TryPublishEventAsync(evt, $"region:{region.Id}:{region.Version}").ConfigureAwait(false);
    }

    public async Task PlayerMovedAsync(PlayerLocation location, string fromRegionId, long move)
    {
        var evt = new PlayerMoved { PlayerId = location.PlayerId, FromRegionId = fromRegionId, ToRegionId = location.RegionId, MovedAt = location.Since };
        await publisher.TryPublishEventAsync(evt, $"move:{location.PlayerId}:{move}").ConfigureAwait(false);
    }
}

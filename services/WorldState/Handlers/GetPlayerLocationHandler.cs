using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.WorldState.Handlers;

/// <summary>The caller's location; a player who never moved is in the starting region, since no time (unset).</summary>
public sealed class GetPlayerLocationHandler(RegionStore store) : IServiceHandler<GetPlayerLocationRequest, PlayerLocation>
{
    public async ValueTask<PlayerLocation> HandleAsync(GetPlayerLocationRequest request, CallContext context)
    {
        var player = context.RequirePlayer("a location");
        return await store.LocationAsync(player).ConfigureAwait(false)
            ?? new PlayerLocation { PlayerId = player, RegionId = SeedRegions.StartingRegion };
    }
}

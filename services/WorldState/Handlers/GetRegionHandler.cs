using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.WorldState.Handlers;

public sealed class GetRegionHandler(RegionStore store) : IServiceHandler<GetRegionRequest, Region>
{
    public async ValueTask<Region> HandleAsync(GetRegionRequest request, CallContext context)
    {
        WorldRules.RegionId(request.RegionId);
        return await store.GetAsync(request.RegionId).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no region '{request.RegionId}': GET /api/v1/world/regions lists them");
    }
}

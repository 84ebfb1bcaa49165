using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.WorldState.Handlers;

/// <summary>Regions by id, optionally of one faction or with one tag; a page ends after the region its token names.</summary>
public sealed class ListRegionsHandler(RegionStore store) : IServiceHandler<ListRegionsRequest, ListRegionsResponse>
{
    public async ValueTask<ListRegionsResponse> HandleAsync(ListRegionsRequest request, CallContext context)
    {
        var pageSize = WorldRules.PageSize(request.PageSize);
        WorldRules.PageToken(request.PageToken);
        if (request.Tag.Length > 0)
        {
            WorldRules.Tag(request.Tag, "tag");
        }

        var matching = (await store.ListAsync().ConfigureAwait(false))
            .Where(r => request.ControllingFaction.Length == 0 || string.Equals(r.ControllingFaction, request.ControllingFaction, StringComparison.OrdinalIgnoreCase))
            .Where(r => request.Tag.Length == 0 || r.Tags.Contains(request.Tag))
            .Where(r => string.CompareOrdinal(r.Id, request.PageToken) > 0)
            .Take(pageSize + 1)
            .ToList();
        var response = new ListRegionsResponse { Regions = { matching.Take(pageSize) } };
        if (matching.Count > pageSize)
        {
            response.NextPageToken = matching[pageSize - 1].Id;
        }

        return response;
    }
}

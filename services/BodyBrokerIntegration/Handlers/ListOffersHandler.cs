using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.BodyBrokerIntegration.Handlers;

/// <summary>Offers newest first; species, least condition, highest price and status filters combine.</summary>
public sealed class ListOffersHandler(OfferStore store) : IServiceHandler<ListOffersRequest, ListOffersResponse>
{
    public async ValueTask<ListOffersResponse> HandleAsync(ListOffersRequest request, CallContext context)
    {
        var (page, next) = await store.ListAsync(OfferRules.Search(request)).ConfigureAwait(false);
        return new ListOffersResponse { Offers = { page }, NextPageToken = next ?? "" };
    }
}

using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.BodyBrokerIntegration.Handlers;

/// <summary>Any offer, to anyone: the market is public.</summary>
public sealed class GetOfferHandler(OfferStore store) : IServiceHandler<GetOfferRequest, Offer>
{
    public async ValueTask<Offer> HandleAsync(GetOfferRequest request, CallContext context)
    {
        OfferRules.OfferId(request.OfferId);
        return await store.FindAsync(request.OfferId).ConfigureAwait(false) ?? throw ServiceException.NotFound($"no offer {request.OfferId}");
    }
}

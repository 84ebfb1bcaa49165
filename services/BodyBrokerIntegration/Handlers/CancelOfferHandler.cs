using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.BodyBrokerIntegration.Handlers;

/// <summary>The seller withdraws an open offer; cancelling twice returns it; never once sold or while being bought.</summary>
public sealed class CancelOfferHandler(OfferStore store) : IServiceHandler<CancelOfferRequest, Offer>
{
    public async ValueTask<Offer> HandleAsync(CancelOfferRequest request, CallContext context)
    {
        var caller = OfferRules.Caller(context);
        OfferRules.OfferId(request.OfferId);
        var outcome = await store.CancelAsync(request.OfferId, caller).ConfigureAwait(false);
        return outcome switch
        {
            "ok" => (await store.FindAsync(request.OfferId).ConfigureAwait(false))!,
            "not_found" => throw ServiceException.NotFound($"no offer {request.OfferId}"),
            "denied" => throw ServiceException.PermissionDenied($"offer {request.OfferId} is not yours: only its seller may cancel it"),
            "reserved" => throw ServiceException.FailedPrecondition($"offer {request.OfferId} is being bought right now"),
            _ => throw ServiceException.FailedPrecondition($"offer {request.OfferId} is {outcome}: it can no longer be cancelled"),
        };
    }
}

using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.BodyBrokerIntegration.Handlers;

/// <summary>The caller puts a body up for sale, priced in their own wallet's currency.</summary>
public sealed class CreateOfferHandler(OfferStore store, OfferPayments payments, OfferEvents events, TimeProvider time) : IServiceHandler<CreateOfferRequest, Offer>
{
    public async ValueTask<Offer> HandleAsync(CreateOfferRequest request, CallContext context)
    {
        var seller = OfferRules.Caller(context);
        var body = OfferRules.Body(request.Body);
        OfferRules.Price(request.Price);
        var currency = await payments.SellerCurrencyAsync(context.CancellationToken).ConfigureAwait(false);
        var offer = new Offer
        {
            Id = Guid.CreateVersion7().ToString("N"),
            SellerPlayerId = seller,
            Body = body,
            Price = request.Price,
            Currency = currency,
            Status = OfferStatus.Open,
            CreatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        await store.CreateAsync(offer).ConfigureAwait(false);
        await events.CreatedAsync(offer).ConfigureAwait(false);
        return offer;
    }
}

using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.BodyBrokerIntegration;

/// <summary>Events after the change, de-duplicated per offer (Nats-Msg-Id <c>offer:&lt;id&gt;:created</c> and <c>:sold</c>).</summary>
public sealed class OfferEvents(EventPublisher publisher)
{
    public async Task CreatedAsync(Offer offer) =>
        await publisher.TryPublishEventAsync(new OfferCreated { Offer = offer }, $"offer:{offer.Id}:created").ConfigureAwait(false);

    public async Task SoldAsync(Offer offer, string transactionId) =>
        await publisher.TryPublishEventAsync(new OfferSold { Offer = offer, TransactionId = transactionId }, $"offer:{offer.Id}:sold").ConfigureAwait(false);
}

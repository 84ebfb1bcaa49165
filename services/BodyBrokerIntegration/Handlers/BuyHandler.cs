using GamingSystem.BodyBrokerIntegration.Domain;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.BodyBrokerIntegration.Handlers;

/// <summary>
/// Buys an offer: reserve it for the caller (a Lua compare-and-set, so one buyer holds it), pay the seller through
/// payment under a key derived from offer and buyer, then turn the reservation into the sale. A refused payment
/// releases the reservation; a payment whose outcome is unknown keeps it for the buyer, whose retry replays the same
/// transfer (money moves once) and completes the sale or releases it.
/// </summary>
public sealed partial class BuyHandler(OfferStore store, OfferPayments payments, OfferEvents events, ILogger<BuyHandler> logger) : IServiceHandler<BuyRequest, BuyResponse>
{
    public async ValueTask<BuyResponse> HandleAsync(BuyRequest request, CallContext context)
    {
        var buyer = OfferRules.Caller(context);
        OfferRules.OfferId(request.OfferId);
        var key = OfferRules.IdempotencyKey(request.IdempotencyKey, context);
        var reservation = await store.ReserveAsync(request.OfferId, buyer, key).ConfigureAwait(false);
        switch (reservation.Outcome)
        {
            case "bought":
                return await SoldAsync(request.OfferId, reservation.TransactionId).ConfigureAwait(false);
            case "reserved_for_you":
                break;
            case "not_found":
                throw ServiceException.NotFound($"no offer {request.OfferId}");
            case "key_conflict":
                throw ServiceException.InvalidArgument("idempotency_key", $"'{key}' was used within 24 h for another offer; use a new key for a new purchase");
            case "own":
                throw ServiceException.FailedPrecondition($"offer {request.OfferId} is your own: a seller cannot buy it");
            case "reserved":
                throw ServiceException.FailedPrecondition($"offer {request.OfferId} is being bought by another player");
            default:
                throw ServiceException.FailedPrecondition($"offer {request.OfferId} is {reservation.Outcome}: it is no longer for sale");
        }

        var offer = (await store.FindAsync(request.OfferId).ConfigureAwait(false))!;
        Contracts.Payment.V1.TransactionResult paid;
        try
        {
            paid = await payments.PayAsync(offer, buyer, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException ex) when (OfferPayments.Refused(ex))
        {
            await store.ReleaseAsync(request.OfferId, buyer).ConfigureAwait(false);
            throw ServiceException.FailedPrecondition($"payment refused, the offer is for sale again and nothing was paid: {ex.Message}", ex.Error.Details);
        }
        catch (Exception ex) when (ex is ServiceException or TimeoutException or OperationCanceledException or NATS.Client.Core.NatsException)
        {
            LogPaymentUnknown(request.OfferId, buyer, ex.Message);
            throw ServiceException.Unavailable($"payment did not answer; offer {request.OfferId} stays reserved for you: retry the purchase to complete it or release it");
        }

        if (await store.SellAsync(request.OfferId, buyer, paid.Transaction.Id).ConfigureAwait(false) != "ok")
        {
            // Only the holder pays and only the holder's retry or release ends a reservation: this is a broken invariant.
            LogSaleLost(request.OfferId, buyer, paid.Transaction.Id);
            throw ServiceException.Internal($"offer {request.OfferId} was paid for (transaction {paid.Transaction.Id}) but not reserved for you");
        }

        return await SoldAsync(request.OfferId, paid.Transaction.Id).ConfigureAwait(false);
    }

    private async Task<BuyResponse> SoldAsync(string offerId, string transactionId)
    {
        var offer = (await store.FindAsync(offerId).ConfigureAwait(false))!;
        await events.SoldAsync(offer, transactionId).ConfigureAwait(false);
        return new BuyResponse { Offer = offer, TransactionId = transactionId };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Payment for offer {OfferId} by {Buyer} has an unknown outcome; the reservation is kept: {Reason}")]
    private partial void LogPaymentUnknown(string offerId, string buyer, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "Offer {OfferId} was paid for by {Buyer} (transaction {TransactionId}) without their reservation")]
    private partial void LogSaleLost(string offerId, string buyer, string transactionId);
}

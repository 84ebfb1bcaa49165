using GamingSystem.Contracts;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.BodyBrokerIntegration;

/// <summary>
/// Payment for the market, always inside the player's own call: the seller's wallet prices the offer, and the buyer
/// pays through Transfer from their own wallet (payment takes the payer from their signed id).
/// </summary>
public sealed class OfferPayments(ServiceClient client)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetBalance = ContractRegistry.Payment.FindMethodByName("GetBalance");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Transfer = ContractRegistry.Payment.FindMethodByName("Transfer");

    /// <summary>The caller's wallet currency: an offer is priced in what its seller is paid in.</summary>
    public async Task<string> SellerCurrencyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await client.RequestAsync<Wallet>(GetBalance, new GetBalanceRequest(), cancellationToken: cancellationToken).ConfigureAwait(false)).Currency;
        }
        catch (ServiceException ex) when (ex.Code == ErrorCode.NotFound)
        {
            throw ServiceException.FailedPrecondition("you have no wallet to be paid into: open one first (POST /api/v1/wallet {\"currency\":\"GLD\"})");
        }
    }

    /// <summary>
    /// The key of the one transfer a buyer may make for an offer: derived from both, so every retry of the purchase
    /// (any Buy key, any process) replays the same transfer and money moves at most once.
    /// </summary>
    public static string TransferKey(string offerId, string buyer) => $"body-offer:{offerId}:{buyer}";

    public async Task<TransactionResult> PayAsync(Offer offer, string buyer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var key = TransferKey(offer.Id, buyer);
        var request = new TransferRequest { ToPlayerId = offer.SellerPlayerId, Amount = offer.Price, IdempotencyKey = key, Memo = $"body offer {offer.Id}" };
        return await client.RequestAsync<TransactionResult>(Transfer, request, new CallOptions { IdempotencyKey = key }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Payment refused the transfer for good (no funds, no wallet, another currency): no money moved.</summary>
    public static bool Refused(ServiceException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.Code is ErrorCode.FailedPrecondition or ErrorCode.InvalidArgument or ErrorCode.NotFound or ErrorCode.PermissionDenied;
    }
}

using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment.Handlers;

/// <summary>A grant from a service (a quest reward, a starter grant) to the player the request names.</summary>
public sealed class CreditHandler(WalletStore store, PaymentEvents events) : IServiceHandler<CreditRequest, TransactionResult>
{
    public async ValueTask<TransactionResult> HandleAsync(CreditRequest request, CallContext context)
    {
        PaymentRules.Player(request.PlayerId, "player_id");
        PaymentRules.OnBehalfOf(context, request.PlayerId);
        PaymentRules.Amount(request.Amount);
        PaymentRules.Reason(request.Reason);
        var key = PaymentRules.IdempotencyKey(request.IdempotencyKey, context);
        var movement = await store.MoveAsync("credit", null, request.PlayerId, request.Amount, request.Reason, key).ConfigureAwait(false);
        await events.PublishAsync(movement).ConfigureAwait(false);
        return movement.Result;
    }
}

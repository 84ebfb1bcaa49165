using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment.Handlers;

/// <summary>A service charging the player the request names for what it sells; never below zero.</summary>
public sealed class ChargeHandler(WalletStore store, PaymentEvents events) : IServiceHandler<ChargeRequest, TransactionResult>
{
    public async ValueTask<TransactionResult> HandleAsync(ChargeRequest request, CallContext context)
    {
        PaymentRules.Player(request.PlayerId, "player_id");
        PaymentRules.OnBehalfOf(context, request.PlayerId);
        PaymentRules.Amount(request.Amount);
        PaymentRules.Reason(request.Reason);
        var key = PaymentRules.IdempotencyKey(request.IdempotencyKey, context);
        var movement = await store.MoveAsync("charge", request.PlayerId, null, request.Amount, request.Reason, key).ConfigureAwait(false);
        await events.PublishAsync(movement).ConfigureAwait(false);
        return movement.Result;
    }
}

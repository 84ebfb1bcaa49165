using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment.Handlers;

/// <summary>From the caller's wallet to another player's: both balances and both ledgers in one step.</summary>
public sealed class TransferHandler(WalletStore store, PaymentEvents events) : IServiceHandler<TransferRequest, TransactionResult>
{
    public async ValueTask<TransactionResult> HandleAsync(TransferRequest request, CallContext context)
    {
        var player = PaymentRules.Caller(context);
        PaymentRules.Player(request.ToPlayerId, "to_player_id");
        if (request.ToPlayerId == player)
        {
            throw ServiceException.InvalidArgument("to_player_id", "is you: a transfer goes to another player");
        }

        PaymentRules.Amount(request.Amount);
        PaymentRules.Reason(request.Memo);
        var key = PaymentRules.IdempotencyKey(request.IdempotencyKey, context);
        var movement = await store.MoveAsync("transfer", player, request.ToPlayerId, request.Amount, request.Memo, key).ConfigureAwait(false);
        await events.PublishAsync(movement).ConfigureAwait(false);
        return movement.Result;
    }
}

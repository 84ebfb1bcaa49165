using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.Payment;

/// <summary>Events after the money moved, de-duplicated by transaction id, so a repeated call publishes nothing new.</summary>
public sealed class PaymentEvents(EventPublisher publisher)
{
    public async Task PublishAsync(Movement movement)
    {
        if (movement.Result.Replayed)
        {
            return;
        }

        var transaction = movement.Result.Transaction;
        var id = transaction.Id;
        _ = transaction.Kind switch
        {
            TransactionKind.Credit => await publisher.TryPublishEventAsync(new PaymentCredited { Transaction = transaction }, $"payment:{id}").ConfigureAwait(false),
            TransactionKind.Charge => await publisher.TryPublishEventAsync(new PaymentCharged { Transaction = transaction }, $"payment:{id}").ConfigureAwait(false),
            _ => await publisher.TryPublishEventAsync(
                new PaymentTransferred
                {
                    TransferId = id,
                    FromPlayerId = transaction.PlayerId,
                    ToPlayerId = transaction.CounterpartyPlayerId,
                    Amount = transaction.Amount,
                    Currency = transaction.Currency,
                    TransferredAt = transaction.CreatedAt,
                },
                $"payment:{id}").ConfigureAwait(false),
        };
    }
}

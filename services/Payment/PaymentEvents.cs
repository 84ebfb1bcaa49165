using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.Payment;

/// <summary>
/// Events after the money moved, de-duplicated by transaction id (Nats-Msg-Id <c>payment:&lt;id&gt;</c>). A replayed call
/// publishes the same event again under the same id: JetStream stores it once within its duplicate window, and an event
/// lost when the first call's publish failed is delivered by the caller's retry. Consumers de-duplicate by transaction id.
/// </summary>
public sealed class PaymentEvents(EventPublisher publisher)
{
    public async Task PublishAsync(Movement movement)
    {
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

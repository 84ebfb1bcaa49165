using Google.Protobuf;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>
/// Handles one event type for a service, through a durable consumer. Returning acknowledges the event; throwing
/// redelivers it later, and after the consumer's max deliveries sends it to the DLQ stream. Handlers must be
/// idempotent: an event may arrive more than once (a crash before the ack, a redrive).
/// </summary>
public interface IEventHandler<in TEvent>
    where TEvent : IMessage<TEvent>
{
    ValueTask HandleAsync(TEvent evt, EventContext context);
}

/// <summary>Where an event came from and how often it has been delivered.</summary>
public sealed record EventContext(
    string Subject,
    string Stream,
    ulong Sequence,
    ulong Delivery,
    DateTimeOffset PublishedAt,
    NatsHeaders? Headers,
    CancellationToken CancellationToken)
{
    public string? MessageId => Headers is not null && Headers.TryGetValue(EventHeaders.MessageId, out var id) ? id.ToString() : null;
}

using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.EventBus.Handlers;

/// <summary>Publishes for clients that do not use the SDK; the idempotency key becomes Nats-Msg-Id.</summary>
public sealed class PublishHandler(EventPublisher publisher) : IServiceHandler<PublishRequest, PublishResponse>
{
    public async ValueTask<PublishResponse> HandleAsync(PublishRequest request, CallContext context)
    {
        EventRules.Required(request.Type, "type");
        EventRules.PublishSubject(request.Subject);
        EventRules.Required(request.IdempotencyKey, "idempotencyKey");
        EventRules.Headers(request.Headers);

        var headers = EventPublisher.Headers(request.Type, request.IdempotencyKey);
        foreach (var (name, value) in request.Headers)
        {
            headers[name] = value;
        }

        var receipt = await publisher.PublishAsync(request.Subject, request.Payload.Memory, headers, context.CancellationToken).ConfigureAwait(false);
        return new PublishResponse { Stream = receipt.Stream, Sequence = receipt.Sequence, Duplicate = receipt.Duplicate };
    }
}

using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>Where a published event was stored; <see cref="Duplicate"/> when its idempotency key had been used.</summary>
public sealed record EventReceipt(string Stream, ulong Sequence, bool Duplicate);

/// <summary>
/// Publishes events to JetStream: the subject comes from the event's contract, <c>Nats-Msg-Id</c> carries the
/// idempotency key (so a repeat inside the duplicate window is stored once), and the ack is checked, since
/// JetStream's publish does not throw on a failed one.
/// </summary>
public sealed partial class EventPublisher(INatsJSContext js, IOptions<EventOptions> options, ILogger<EventPublisher> logger, BusDenials? denials = null)
{
    /// <summary>
    /// Publishes <paramref name="evt"/> on its contract's subject. Without an idempotency key a fresh one is used, so a
    /// publish retried inside NATS.Net is still stored once; pass one derived from what caused the event
    /// (<c>quest:{id}:completed</c>) to make the caller's own retries safe too.
    /// </summary>
    /// <exception cref="ServiceException">UNAVAILABLE when JetStream did not acknowledge the event in time.</exception>
    public ValueTask<EventReceipt> PublishEventAsync<TEvent>(TEvent evt, string? idempotencyKey = null, CancellationToken cancellationToken = default)
        where TEvent : IMessage<TEvent>, new()
    {
        ArgumentNullException.ThrowIfNull(evt);
        var subject = EventContracts.SubjectOf(evt.Descriptor)
            ?? throw new ArgumentException($"{evt.Descriptor.FullName} is not an event: it has no event_subject option.", nameof(evt));
        return SendAsync(subject, evt, ProtobufSerializer<TEvent>.Default, Headers(evt.Descriptor.FullName, idempotencyKey), cancellationToken);
    }

    /// <summary>
    /// For an event whose cause is already committed (a write, a registration): a failure to publish must not turn the
    /// caller's success into an error, so it is logged as an error and counted (<c>gaming.events.published</c>,
    /// outcome failed) instead. False when the event was not published.
    /// </summary>
    public async ValueTask<bool> TryPublishEventAsync<TEvent>(TEvent evt, string idempotencyKey, CancellationToken cancellationToken = default)
        where TEvent : IMessage<TEvent>, new()
    {
        try
        {
            await PublishEventAsync(evt, idempotencyKey, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ServiceException ex)
        {
            LogLost(ex, evt.Descriptor.Name, idempotencyKey);
            return false;
        }
    }

    /// <summary>Publishes an already serialized event (the event-bus's Publish, a redrive).</summary>
    public ValueTask<EventReceipt> PublishAsync(string subject, ReadOnlyMemory<byte> payload, NatsHeaders headers, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.ContainsKey(EventHeaders.MessageId))
        {
            headers[EventHeaders.MessageId] = Guid.NewGuid().ToString("N");
        }

        return SendAsync(subject, payload, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, headers, cancellationToken);
    }

    /// <summary>The headers of a new event: its type and its idempotency key.</summary>
    public static NatsHeaders Headers(string eventType, string? idempotencyKey) => new()
    {
        [EventHeaders.EventType] = eventType,
        [EventHeaders.MessageId] = string.IsNullOrEmpty(idempotencyKey) ? Guid.NewGuid().ToString("N") : idempotencyKey,
    };

    private async ValueTask<EventReceipt> SendAsync<T>(string subject, T data, INatsSerialize<T> serializer, NatsHeaders headers, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.Source.StartActivity($"{subject} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "nats");
        activity?.SetTag("messaging.destination.name", subject);
        activity?.SetTag("messaging.message.id", headers[EventHeaders.MessageId].ToString());
        EventTrace.Inject(Activity.Current, headers);

        // On an open connection the JetStream context's request timeout (PublishTimeout) bounds the wait for the ack;
        // a timer per publish would cost more than the rest of the SDK's work. Without a connection NATS.Net waits
        // for the reconnect with no limit but the token, so then the timeout is the token's.
        using var timeout = js.Connection.ConnectionState == NatsConnectionState.Open ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout?.CancelAfter(options.Value.PublishTimeout);
        // A subject this process may not publish to is refused at once, not after the ack's timeout.
        using var watch = denials?.Start(subject, timeout?.Token ?? cancellationToken);
        try
        {
            var ack = await js.PublishAsync(subject, data, serializer, headers: headers, cancellationToken: watch?.Token ?? timeout?.Token ?? cancellationToken).ConfigureAwait(false);
            // EnsureSuccess treats a duplicate as a failure; to a publisher with an idempotency key it is the point.
            if (!ack.Duplicate)
            {
                ack.EnsureSuccess();
            }

            EventMetrics.Published(subject, ack.Duplicate ? "duplicate" : "stored");
            return new EventReceipt(ack.Stream ?? "", ack.Seq, ack.Duplicate);
        }
        catch (Exception ex) when (watch?.Refusal is { } refusal && ex is OperationCanceledException or NatsException)
        {
            EventMetrics.Published(subject, "refused");
            var denied = BusDenials.Denied(subject, refusal);
            activity?.SetStatus(ActivityStatusCode.Error, denied.Message);
            throw denied;
        }
        catch (Exception ex) when (Unavailable(ex, cancellationToken) is { } failure)
        {
            EventMetrics.Published(subject, "failed");
            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            throw failure;
        }
    }

    private ServiceException? Unavailable(Exception exception, CancellationToken callerToken) => exception switch
    {
        OperationCanceledException when !callerToken.IsCancellationRequested =>
            ServiceException.Unavailable($"JetStream did not acknowledge the event within {options.Value.PublishTimeout.TotalSeconds:0.#} s"),
        NatsNoReplyException =>
            ServiceException.Unavailable($"JetStream did not acknowledge the event within {options.Value.PublishTimeout.TotalSeconds:0.#} s"),
        NatsJSPublishNoResponseException or NatsNoRespondersException =>
            ServiceException.Unavailable("JetStream did not answer the publish: no stream captures the subject, or JetStream is not running"),
        NatsJSApiException api => ServiceException.Unavailable($"JetStream refused the event: {api.Error.Description} ({api.Error.Code})"),
        NatsException nats => ServiceException.Unavailable($"the event could not be published: {nats.Message}"),
        _ => null,
    };

    [LoggerMessage(EventId = 35, Level = LogLevel.Error, Message = "Event {Event} ({IdempotencyKey}) was not published; its cause is committed")]
    private partial void LogLost(Exception exception, string @event, string idempotencyKey);
}

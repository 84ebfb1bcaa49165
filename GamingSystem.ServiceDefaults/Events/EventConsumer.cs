using System.Diagnostics;
using System.Globalization;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>
/// Runs one durable pull consumer: at most <see cref="EventConsumerOptions.MaxConcurrency"/> events at once, an
/// explicit ack after the handler returns, a delayed redelivery after it throws, and dead-lettering to
/// <c>dlq.&lt;subject&gt;</c> once <see cref="EventConsumerOptions.MaxDeliveries"/> is reached. nats-server 2.9 has
/// no dead-letter queue of its own (its max-deliveries advisory is lost when nobody listens), so the server's
/// MaxDeliver stays unlimited and the consumer counts: an event is acked only once it is handled or dead-lettered,
/// so a crash at any point redelivers it rather than losing it.
/// </summary>
internal sealed partial class EventConsumer<TEvent, THandler>(
    INatsJSContext js,
    EventPublisher publisher,
    IServiceProvider services,
    EventConsumerOptions options,
    string durable,
    ILogger<EventConsumer<TEvent, THandler>> logger) : BackgroundService
    where TEvent : IMessage<TEvent>, new()
    where THandler : class, IEventHandler<TEvent>
{
    private static readonly MessageParser<TEvent> Parser = new(() => new TEvent());
    private static readonly string EventName = new TEvent().Descriptor.FullName;
    private static readonly string Subject = EventContracts.SubjectOf(new TEvent().Descriptor)
        ?? throw new InvalidOperationException($"{EventName} is not an event: it has no event_subject option.");

    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrency, options.MaxConcurrency);

    public string Durable => durable;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stream = EventContracts.StreamFor(Subject).Name;
        var retry = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var consumer = await js.CreateOrUpdateConsumerAsync(stream, ConsumerConfig(), stoppingToken).ConfigureAwait(false);
                LogConsuming(durable, Subject, stream);
                retry = TimeSpan.FromMilliseconds(200);
                using var tracking = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var tracker = TrackPendingAsync(consumer, tracking.Token);
                try
                {
                    var consumeOptions = new NatsJSConsumeOpts { MaxMsgs = options.MaxConcurrency };
                    await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, consumeOptions, stoppingToken).ConfigureAwait(false))
                    {
                        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                        _ = ProcessAsync(msg);
                    }
                }
                finally
                {
                    await tracking.CancelAsync().ConfigureAwait(false);
                    await tracker.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NatsException or NatsJSException)
            {
                // NATS down, the stream not created yet, the consumer deleted by an operator: try again, slower each time.
                LogConsumeFailed(durable, retry.TotalSeconds, ex.Message);
                await Task.Delay(retry, stoppingToken).ConfigureAwait(false);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }

        // Let the events in hand finish (StopAsync aborts them when the host's own stop timeout runs out).
        for (var i = 0; i < options.MaxConcurrency; i++)
        {
            await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var abort = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <summary>The consumer's lag for <c>gaming.events.pending</c>, read from JetStream every few seconds while it consumes.</summary>
    private async Task TrackPendingAsync(INatsJSConsumer consumer, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PendingInterval);
        try
        {
            do
            {
                try
                {
                    await consumer.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    EventMetrics.Pending(durable, (long)consumer.Info.NumPending + consumer.Info.NumAckPending);
                }
                catch (Exception ex) when (ex is NatsException or NatsJSException)
                {
                    // NATS away for a moment: the gauge keeps its last value, and the consume loop reconnects.
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static readonly TimeSpan PendingInterval = TimeSpan.FromSeconds(5);

    private ConsumerConfig ConsumerConfig() => new(durable)
    {
        DurableName = durable,
        FilterSubject = Subject,
        AckPolicy = ConsumerConfigAckPolicy.Explicit,
        DeliverPolicy = ConsumerConfigDeliverPolicy.All,
        // A handler has HandlerTimeout; the ack wait leaves it room to ack or nak before JetStream redelivers.
        AckWait = options.HandlerTimeout + TimeSpan.FromSeconds(5),
        MaxDeliver = -1,
        MaxAckPending = options.MaxConcurrency * 4,
    };

    private async Task ProcessAsync(INatsJSMsg<byte[]> msg)
    {
        var delivery = msg.Metadata?.NumDelivered ?? 1;
        using var activity = MessagingTelemetry.Source.StartActivity($"{msg.Subject} process", ActivityKind.Consumer, EventTrace.Extract(msg.Headers));
        activity?.SetTag("messaging.system", "nats");
        activity?.SetTag("messaging.destination.name", msg.Subject);
        activity?.SetTag("messaging.consumer.group.name", durable);
        activity?.SetTag("messaging.message.delivery_count", delivery);
        try
        {
            TEvent evt;
            try
            {
                evt = Parser.ParseFrom(msg.Data ?? []);
            }
            catch (InvalidProtocolBufferException ex)
            {
                // Poison: no redelivery will parse it either.
                await DeadLetterAsync(msg, delivery, $"the payload is not a valid {EventName}: {ex.Message}").ConfigureAwait(false);
                return;
            }

            await HandleAsync(msg, evt, delivery, activity).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            // The ack, nak or dead-letter publish itself failed (NATS down): JetStream redelivers after the ack wait.
            LogSettleFailed(durable, msg.Subject, ex.Message);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> msg, TEvent evt, ulong delivery, Activity? activity)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timeout.CancelAfter(options.HandlerTimeout);
        var metadata = msg.Metadata;
        var context = new EventContext(
            msg.Subject,
            metadata?.Stream ?? "",
            metadata?.Sequence.Stream ?? 0,
            delivery,
            metadata?.Timestamp ?? default,
            msg.Headers,
            timeout.Token);
        try
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(evt, context).ConfigureAwait(false);
            await msg.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            EventMetrics.Processed(durable, "acked");
        }
        catch (Exception ex) when (ex is not NatsException && _abort.IsCancellationRequested)
        {
            // Stopping: hand the event back at once so a replica (or this service after its restart) takes it.
            await msg.NakAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            EventMetrics.Processed(durable, "released");
        }
        catch (Exception ex) when (ex is not NatsException)
        {
            var error = ex is OperationCanceledException && timeout.IsCancellationRequested
                ? $"the handler did not finish within {options.HandlerTimeout.TotalSeconds:0.#} s"
                : $"{ex.GetType().Name}: {ex.Message}";
            activity?.SetStatus(ActivityStatusCode.Error, error);
            if (delivery >= (ulong)options.MaxDeliveries)
            {
                await DeadLetterAsync(msg, delivery, error).ConfigureAwait(false);
                return;
            }

            var delay = options.RetryDelay(delivery);
            LogRetry(ex, durable, msg.Subject, delivery, options.MaxDeliveries, delay.TotalSeconds);
            await msg.NakAsync(delay: delay, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            EventMetrics.Processed(durable, "retried");
        }
    }

    private async Task DeadLetterAsync(INatsJSMsg<byte[]> msg, ulong delivery, string error)
    {
        var metadata = msg.Metadata;
        var headers = new NatsHeaders();
        if (msg.Headers is not null)
        {
            foreach (var (name, value) in msg.Headers)
            {
                headers[name] = value;
            }
        }

        if (msg.Headers?.TryGetValue(EventHeaders.MessageId, out var originalId) == true)
        {
            headers[EventHeaders.OriginalMessageId] = originalId;
        }

        var stream = metadata?.Stream ?? "";
        var sequence = (metadata?.Sequence.Stream ?? 0).ToString(CultureInfo.InvariantCulture);
        headers[EventHeaders.OriginalSubject] = msg.Subject;
        headers[EventHeaders.OriginalStream] = stream;
        headers[EventHeaders.OriginalSequence] = sequence;
        headers[EventHeaders.Consumer] = durable;
        headers[EventHeaders.Deliveries] = delivery.ToString(CultureInfo.InvariantCulture);
        headers[EventHeaders.Error] = error.Length <= 1024 ? error : error[..1024];
        // One dead letter per consumer and event, even if this publish is repeated after a crash.
        headers[EventHeaders.MessageId] = $"dlq:{durable}:{stream}:{sequence}";

        await publisher.PublishAsync(EventContracts.DeadLetterPrefix + msg.Subject, msg.Data ?? [], headers, CancellationToken.None).ConfigureAwait(false);
        await msg.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        EventMetrics.Processed(durable, "dead_lettered");
        LogDeadLettered(durable, msg.Subject, delivery, error);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Consumer {Durable} handles {Subject} from stream {Stream}")]
    private partial void LogConsuming(string durable, string subject, string stream);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Consumer {Durable} stopped consuming; retrying in {Seconds} s: {Reason}")]
    private partial void LogConsumeFailed(string durable, double seconds, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Consumer {Durable} failed on {Subject} (delivery {Delivery} of {MaxDeliveries}); redelivery in {Seconds} s")]
    private partial void LogRetry(Exception exception, string durable, string subject, ulong delivery, int maxDeliveries, double seconds);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "Consumer {Durable} dead-lettered {Subject} after {Delivery} deliveries: {Error}")]
    private partial void LogDeadLettered(string durable, string subject, ulong delivery, string error);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "Consumer {Durable} could not settle {Subject}; JetStream will redeliver it: {Reason}")]
    private partial void LogSettleFailed(string durable, string subject, string reason);
}

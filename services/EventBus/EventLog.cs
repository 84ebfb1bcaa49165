using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.EventBus;

/// <summary>Reads stored events from JetStream with short-lived ordered consumers, and removes dead letters.</summary>
public sealed class EventLog(INatsJSContext js)
{
    /// <summary>Where a read starts: a stream sequence, a time, or the beginning.</summary>
    public sealed record Start(ulong Sequence, DateTimeOffset? Time);

    /// <summary>The longest a read waits for messages its consumer counted but the server has not delivered.</summary>
    public static readonly TimeSpan FetchWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Up to <paramref name="limit"/> messages matching <paramref name="filter"/> from <paramref name="start"/>,
    /// oldest first, and the sequence to continue from (0 when nothing more is stored).
    /// </summary>
    /// <remarks>
    /// The read takes what the consumer counts as pending when it is created, and never waits longer than
    /// <see cref="FetchWait"/> for it: a count that runs ahead of what is delivered (messages removed meanwhile)
    /// shortens the answer instead of holding the caller to its deadline.
    /// </remarks>
    public async Task<(IReadOnlyList<StoredEvent> Events, ulong Next)> ReadAsync(string stream, string filter, Start start, int limit, CancellationToken cancellationToken)
    {
        // An ephemeral consumer with a singular filter: nats-server 2.9 ignores the plural filter_subjects that
        // NATS.Net's ordered consumers send, and would return the whole stream.
        var config = new ConsumerConfig
        {
            Name = $"event-bus-read-{Guid.NewGuid():N}",
            FilterSubject = filter,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            InactiveThreshold = TimeSpan.FromSeconds(30),
        };
        switch (start)
        {
            case { Time: { } time }:
                config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime;
                config.OptStartTime = time;
                break;
            case { Sequence: > 0 }:
                config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence;
                config.OptStartSeq = start.Sequence;
                break;
            default:
                config.DeliverPolicy = ConsumerConfigDeliverPolicy.All;
                break;
        }

        INatsJSConsumer consumer;
        try
        {
            consumer = await js.CreateOrUpdateConsumerAsync(stream, config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            throw ServiceException.Unavailable($"stream {stream} does not exist yet");
        }

        try
        {
            var wanted = (int)Math.Min((ulong)limit, consumer.Info.NumPending);
            var events = new List<StoredEvent>(Math.Min(wanted, 128));
            ulong after = 0;
            if (wanted > 0)
            {
                var fetch = new NatsJSFetchOpts { MaxMsgs = wanted, Expires = FetchWait };
                await foreach (var msg in consumer.FetchAsync(fetch, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false))
                {
                    events.Add(ToStored(msg));
                    after = msg.Metadata?.NumPending ?? 0;
                    if (after == 0)
                    {
                        break;
                    }
                }
            }

            return (events, after > 0 && events.Count > 0 ? events[^1].Sequence + 1 : 0);
        }
        finally
        {
            ForgetConsumer(stream, config.Name);
        }
    }

    /// <summary>The sequence of the last message stored in <paramref name="stream"/> (0 when it is empty).</summary>
    public async Task<ulong> LastSequenceAsync(string stream, CancellationToken cancellationToken)
    {
        var info = await js.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return info.Info.State.LastSeq;
    }

    /// <summary>
    /// Every message of <paramref name="stream"/> from <paramref name="sequence"/> on, as it is stored, until cancelled:
    /// an ephemeral consumer without acks, removed at the end (and by the server, once idle, if this process dies).
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> TailAsync(string stream, ulong sequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            Name = $"event-bus-watch-{Guid.NewGuid():N}",
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            InactiveThreshold = TimeSpan.FromSeconds(30),
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = Math.Max(sequence, 1),
        };
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, config, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                yield return ToStored(msg);
            }
        }
        finally
        {
            ForgetConsumer(stream, config.Name);
        }
    }

    /// <summary>The message at <paramref name="sequence"/>, or null when it is gone (never stored, deleted, expired).</summary>
    public async Task<StoredEvent?> GetAsync(string stream, string filter, ulong sequence, CancellationToken cancellationToken)
    {
        var (events, _) = await ReadAsync(stream, filter, new Start(sequence, null), 1, cancellationToken).ConfigureAwait(false);
        return events.Count == 1 && events[0].Sequence == sequence ? events[0] : null;
    }

    public async Task<bool> DeleteAsync(string stream, ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            var response = await js.DeleteMessageAsync(stream, new StreamMsgDeleteRequest { Seq = sequence }, cancellationToken).ConfigureAwait(false);
            return response.Success;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code is 400 or 404)
        {
            // Already deleted (a redrive repeated, or raced by another): the goal is reached either way.
            return false;
        }
    }

    /// <summary>
    /// Deletes an ephemeral consumer without holding up the answer: best effort, since the server removes it once
    /// idle for its inactive threshold anyway.
    /// </summary>
    private void ForgetConsumer(string stream, string name) => _ = DeleteConsumerQuietlyAsync(stream, name);

    private async Task DeleteConsumerQuietlyAsync(string stream, string name)
    {
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await js.DeleteConsumerAsync(stream, name, quick.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            // Left to the inactive threshold.
        }
    }

    private static StoredEvent ToStored(INatsJSMsg<byte[]> msg)
    {
        var stored = new StoredEvent
        {
            Stream = msg.Metadata?.Stream ?? "",
            Sequence = msg.Metadata?.Sequence.Stream ?? 0,
            Subject = msg.Subject,
            Payload = ByteString.CopyFrom(msg.Data ?? []),
            PublishedAt = Timestamp.FromDateTimeOffset(msg.Metadata?.Timestamp ?? DateTimeOffset.UnixEpoch),
        };
        if (msg.Headers is not null)
        {
            foreach (var (name, value) in msg.Headers)
            {
                stored.Headers[name] = value.ToString();
            }

            stored.Type = stored.Headers.GetValueOrDefault(EventHeaders.EventType, "");
        }

        return stored;
    }
}

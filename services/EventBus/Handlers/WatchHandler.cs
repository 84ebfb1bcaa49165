using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace GamingSystem.EventBus.Handlers;

/// <summary>Bound from <c>EventBus:Watch</c>.</summary>
public sealed class WatchOptions
{
    public const string SectionName = "EventBus:Watch";

    /// <summary>The longest a watch stays silent: below the callers' stream idle timeout (10 s).</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The caller's live events: one ephemeral consumer per watched stream from the cursor on, the events that name the
/// caller passed on with the cursor after each, everything else only moving the cursor (which heartbeats carry).
/// </summary>
public sealed class WatchHandler(EventLog log, IOptions<WatchOptions> options, TimeProvider time) : IStreamHandler<WatchRequest, WatchedEvent>
{
    /// <summary>The streams of what a player lives through; AI usage and dead letters are operators' business.</summary>
    public static readonly IReadOnlyList<string> Streams = ["PLAYER", "ECONOMY", "WORLD"];

    private static readonly Dictionary<string, MessageDescriptor> EventTypes = EventContracts.Events.ToDictionary(e => e.FullName, StringComparer.Ordinal);
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public async IAsyncEnumerable<WatchedEvent> HandleAsync(WatchRequest request, CallContext context)
    {
        var player = context.PlayerId is { Length: > 0 } caller
            ? caller
            : throw new ServiceException(ErrorCode.Unauthenticated, "no player: a watch delivers the calling player's events");
        var cancellation = context.CancellationToken;
        WatchCursor cursor;
        if (request.LastEventId.Length > 0)
        {
            cursor = WatchCursor.Parse(request.LastEventId, Streams, "last_event_id");
        }
        else
        {
            var now = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var stream in Streams)
            {
                now[stream] = await log.LastSequenceAsync(stream, cancellation).ConfigureAwait(false);
            }

            cursor = WatchCursor.At(now);
        }

        // The streams are read at once into one bounded channel: a slow client slows the reading, never grows a buffer.
        var channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(64) { SingleReader = true });
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var readers = Streams.Select(stream => ReadAsync(stream, cursor.Positions[stream] + 1, channel.Writer, reading.Token)).ToList();
        var done = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        try
        {
            await foreach (var item in ItemsAsync(channel.Reader, cursor, player, cancellation).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await reading.CancelAsync().ConfigureAwait(false);
            await done.ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<WatchedEvent> ItemsAsync(ChannelReader<StoredEvent> events, WatchCursor cursor, string player, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (true)
        {
            StoredEvent? stored = null;
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                quiet.CancelAfter(options.Value.Heartbeat);
                try
                {
                    stored = await events.ReadAsync(quiet.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                }
                catch (ChannelClosedException ex) when (ex.InnerException is not null)
                {
                    throw ServiceException.Unavailable($"the event streams could not be read: {ex.InnerException.Message}");
                }
            }

            if (stored is null)
            {
                yield return new WatchedEvent { Cursor = cursor.ToString(), Heartbeat = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
                continue;
            }

            if (cursor.Advance(stored.Stream, stored.Sequence) && For(stored, player) is { } mine)
            {
                yield return new WatchedEvent { Cursor = cursor.ToString(), Event = mine };
            }
        }
    }

    private async Task ReadAsync(string stream, ulong from, ChannelWriter<StoredEvent> writer, CancellationToken cancellation)
    {
        try
        {
            await foreach (var stored in log.TailAsync(stream, from, cancellation).ConfigureAwait(false))
            {
                await writer.WriteAsync(stored, cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    /// <summary>The event as the player sees it, if it names them; null for another player's.</summary>
    private static PlayerEvent? For(StoredEvent stored, string player)
    {
        if (!EventTypes.TryGetValue(stored.Type, out var type))
        {
            return null;
        }

        IMessage message;
        try
        {
            message = type.Parser.ParseFrom(stored.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        return Names(message, player)
            ? new PlayerEvent
            {
                Stream = stored.Stream,
                Sequence = stored.Sequence,
                Subject = stored.Subject,
                Type = stored.Type,
                Data = JsonParser.Default.Parse<Struct>(Formatter.Format(message)),
                PublishedAt = stored.PublishedAt,
            }
            : null;
    }

    /// <summary>Whether a <c>player_id</c> or <c>*_player_id</c> field anywhere in the message holds <paramref name="player"/>.</summary>
    internal static bool Names(IMessage message, string player)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            switch (field.FieldType)
            {
                case FieldType.String when field.Name == "player_id" || field.Name.EndsWith("_player_id", StringComparison.Ordinal):
                    if (field.IsRepeated ? ((IEnumerable<string>)value).Contains(player, StringComparer.Ordinal) : (string)value == player)
                    {
                        return true;
                    }

                    break;
                case FieldType.Message when !field.IsMap:
                    if (field.IsRepeated
                        ? ((System.Collections.IEnumerable)value).Cast<IMessage>().Any(item => Names(item, player))
                        : value is IMessage nested && Names(nested, player))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }
}

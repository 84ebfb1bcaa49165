using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.WorldState.V1;
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
/// The caller's live events: one ephemeral consumer per watched stream from the cursor on; the events that name the
/// caller, and the world events of the region the caller is in, passed on with the cursor after each; everything else
/// only moves the cursor (which heartbeats carry). The region is world-state's answer when the watch starts, then
/// follows the caller's own <c>evt.world.player_moved</c> events as they pass in the stream.
/// </summary>
public sealed class WatchHandler(EventLog log, ServiceClient client, IOptions<WatchOptions> options, TimeProvider time) : IStreamHandler<WatchRequest, WatchedEvent>
{
    /// <summary>The streams of what a player lives through; AI usage and dead letters are operators' business.</summary>
    public static readonly IReadOnlyList<string> Streams = ["PLAYER", "ECONOMY", "WORLD"];

    private static readonly Dictionary<string, MessageDescriptor> EventTypes = EventContracts.Events.ToDictionary(e => e.FullName, StringComparer.Ordinal);
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly MethodDescriptor GetPlayerLocation = ContractRegistry.WorldState.FindMethodByName("GetPlayerLocation");

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
            var region = await RegionAsync(cancellation).ConfigureAwait(false);
            await foreach (var item in ItemsAsync(channel.Reader, cursor, player, region, cancellation).ConfigureAwait(false))
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

    /// <summary>Where the caller is now, or null when world-state cannot say (not running, not reachable): then only their own events.</summary>
    private async Task<string?> RegionAsync(CancellationToken cancellation)
    {
        try
        {
            var location = await client.RequestAsync<PlayerLocation>(GetPlayerLocation, new GetPlayerLocationRequest(), new CallOptions { Timeout = TimeSpan.FromSeconds(2) }, cancellation).ConfigureAwait(false);
            return location.RegionId is { Length: > 0 } id ? id : null;
        }
        catch (Exception ex) when (ex is ServiceException or TimeoutException or NATS.Client.Core.NatsException)
        {
            return null;
        }
    }

    private async IAsyncEnumerable<WatchedEvent> ItemsAsync(ChannelReader<StoredEvent> events, WatchCursor cursor, string player, string? region, [EnumeratorCancellation] CancellationToken cancellation)
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

            if (!cursor.Advance(stored.Stream, stored.Sequence) || Parse(stored) is not { } message)
            {
                continue;
            }

            var names = Names(message, player);
            if (names || (stored.Stream == WorldStream && region is not null && InRegion(message, region)))
            {
                yield return new WatchedEvent { Cursor = cursor.ToString(), Event = ToPlayerEvent(stored, message) };
            }

            if (names && message is PlayerMoved moved)
            {
                region = moved.ToRegionId;
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

    private const string WorldStream = "WORLD";

    /// <summary>The stored event as its contract's message; null for a type this build does not know or a broken payload.</summary>
    private static IMessage? Parse(StoredEvent stored)
    {
        if (!EventTypes.TryGetValue(stored.Type, out var type))
        {
            return null;
        }

        try
        {
            return type.Parser.ParseFrom(stored.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static PlayerEvent ToPlayerEvent(StoredEvent stored, IMessage message) => new()
    {
        Stream = stored.Stream,
        Sequence = stored.Sequence,
        Subject = stored.Subject,
        Type = stored.Type,
        Data = JsonParser.Default.Parse<Struct>(Formatter.Format(message)),
        PublishedAt = stored.PublishedAt,
    };

    /// <summary>
    /// Whether a world event happens in <paramref name="region"/>: its own <c>region_id</c> or <c>*_region_id</c>
    /// field holds it, or the region it carries (<c>region.id</c>, as in <c>evt.world.region_changed</c>) is it, or
    /// a message it carries has that <c>region_id</c> (<c>weather.region_id</c> of <c>evt.weather.changed</c>).
    /// </summary>
    internal static bool InRegion(IMessage message, string region)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsRepeated || field.IsMap)
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.String && (field.Name == "region_id" || field.Name.EndsWith("_region_id", StringComparison.Ordinal)) && (string)value == region)
            {
                return true;
            }

            if (field.FieldType == FieldType.Message && field.Name == "region" && value is IMessage carried
                && carried.Descriptor.FindFieldByName("id") is { FieldType: FieldType.String } id && (string)id.Accessor.GetValue(carried) == region)
            {
                return true;
            }

            // What the event carries names its region: evt.weather.changed's weather.region_id.
            if (field.FieldType == FieldType.Message && value is IMessage nested
                && nested.Descriptor.FindFieldByName("region_id") is { FieldType: FieldType.String, IsRepeated: false } nestedRegion
                && (string)nestedRegion.Accessor.GetValue(nested) == region)
            {
                return true;
            }
        }

        return false;
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

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GamingSystem.Chaos.Load;

/// <summary>
/// A player's live feed (<c>GET /api/v1/events/stream</c>) kept open as a game client keeps it: read as it comes,
/// reopened with Last-Event-ID whenever it breaks. It counts each transfer the player made as the feed delivers it.
/// </summary>
internal sealed class EventFeed(HttpClient http, Recorder recorder, Player player)
{
    public const string Path = "/api/v1/events/stream";

    /// <summary>Heartbeats come every second (BootedSystem); a feed silent for longer than this is dead.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, int> _transfers = new();
    private int _connections;

    public Player Player => player;

    /// <summary>Transfer ids of evt.payment.transferred from this player, and how many times the feed delivered each.</summary>
    public IReadOnlyDictionary<string, int> TransfersSeen => _transfers;

    public int Connections => _connections;

    /// <summary>Where the feed would resume: null until its first item (a heartbeat carries the cursor too).</summary>
    public string? Cursor { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        string? lastEventId = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                lastEventId = await ReadAsync(lastEventId, stop);
                await Task.Delay(TimeSpan.FromMilliseconds(500), recorder.Time, stop);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or JsonException)
            {
                // A broken or silent feed is reopened from its cursor; a stopped one ends with the loop.
            }
        }
    }

    /// <summary>One connection, until it breaks or goes silent: the cursor to resume after.</summary>
    private async Task<string?> ReadAsync(string? lastEventId, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", player.Token);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var silence = CancellationTokenSource.CreateLinkedTokenSource(stop);
        silence.CancelAfter(Silence);
        var at = recorder.Time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token);
        recorder.Add(new Outcome(at, "event feed connect", (int)response.StatusCode, watch.Elapsed, null));
        if (!response.IsSuccessStatusCode)
        {
            return lastEventId;
        }

        Interlocked.Increment(ref _connections);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(silence.Token);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(silence.Token))
            {
                silence.CancelAfter(Silence);
                if (item.EventType != "message")
                {
                    // "end" (the session ended) or an error the gateway reports in the stream: reconnect.
                    break;
                }

                Count(JsonNode.Parse(item.Data)?["event"]);
                if (!string.IsNullOrEmpty(item.EventId))
                {
                    lastEventId = item.EventId;
                    Cursor = lastEventId;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // Broken or silent: the caller reconnects from the cursor unless it was stopped.
        }

        return lastEventId;
    }

    private void Count(JsonNode? @event)
    {
        if (@event?["subject"]?.GetValue<string>() == "evt.payment.transferred"
            && @event["data"]?["fromPlayerId"]?.GetValue<string>() == player.Id
            && @event["data"]?["transferId"]?.GetValue<string>() is { } transferId)
        {
            _transfers.AddOrUpdate(transferId, 1, (_, count) => count + 1);
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using GamingSystem.ServiceDefaults.Messaging;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// Listens on every inbox of the test's server with a connection of its own and records each stream chunks frame
/// as NATS carried it: its numbering and its size on the wire, as the server counts it against max_payload.
/// </summary>
internal sealed class FrameSniffer : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly INatsSub<byte[]> _inboxes;
    private readonly Task _listening;
    private readonly List<SniffedFrame> _frames = [];

    private FrameSniffer(NatsConnection nats, INatsSub<byte[]> inboxes)
    {
        _nats = nats;
        _inboxes = inboxes;
        _listening = ListenAsync();
    }

    public IReadOnlyList<SniffedFrame> Frames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames];
            }
        }
    }

    public static async Task<FrameSniffer> StartAsync(string url)
    {
        var nats = new NatsConnection(NatsOpts.Default with { Url = url, Name = "frame-sniffer" });
        var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 100_000, FullMode = BoundedChannelFullMode.Wait } };
        var inboxes = await nats.SubscribeCoreAsync<byte[]>("_INBOX.>", opts: opts);
        // Answered only once the server has the subscription: nothing sent after this is missed.
        await nats.PingAsync();
        return new FrameSniffer(nats, inboxes);
    }

    /// <summary>Waits until the frames seen carry this many chunks: the reader may finish before the sniffer has read the last frame.</summary>
    public async Task<IReadOnlyList<SniffedFrame>> WaitForChunksAsync(int count)
    {
        var watch = Stopwatch.StartNew();
        while (Frames.Sum(f => f.Count) < count)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the sniffer saw {Frames.Sum(f => f.Count)} of {count} chunks");
            await Task.Delay(10);
        }

        return Frames;
    }

    public async ValueTask DisposeAsync()
    {
        await _inboxes.DisposeAsync();
        await _listening;
        await _nats.DisposeAsync();
    }

    private async Task ListenAsync()
    {
        await foreach (var msg in _inboxes.Msgs.ReadAllAsync())
        {
            if (msg.Headers is { } headers
                && StreamProtocol.ReadNumber(headers, StreamProtocol.First) is { } first
                && StreamProtocol.ReadNumber(headers, StreamProtocol.Count) is { } count)
            {
                lock (_frames)
                {
                    _frames.Add(new SniffedFrame(first, (int)count, HeaderBytes(headers) + (msg.Data?.Length ?? 0)));
                }
            }
        }
    }

    /// <summary>The header block as it travels: <c>NATS/1.0\r\n</c>, a <c>name: value\r\n</c> line each, and a blank line.</summary>
    private static int HeaderBytes(NatsHeaders headers) =>
        "NATS/1.0\r\n\r\n".Length + headers.Sum(h => h.Value.Sum(v => Encoding.UTF8.GetByteCount($"{h.Key}: {v}\r\n")));
}

/// <param name="Size">Headers and body together, which is what max_payload limits.</param>
internal readonly record struct SniffedFrame(long First, int Count, int Size);

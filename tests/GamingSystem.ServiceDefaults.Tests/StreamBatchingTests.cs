using System.Diagnostics;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.ServiceDefaults.Tests.SdkTest.V1;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// How chunks travel in frames, seen on the wire by a <see cref="FrameSniffer"/>: a fast producer's chunks share
/// frames, a slow producer's are not held back, and no frame exceeds the server's max_payload (16 KiB here).
/// </summary>
public sealed class StreamBatchingTests(SmallPayloadNatsServerFixture nats) : IClassFixture<SmallPayloadNatsServerFixture>
{
    private static readonly CallOptions Patient = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task A_fast_producers_chunks_share_frames_and_arrive_in_order()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        await using var sniffer = await FrameSniffer.StartAsync(nats.ConnectionString);

        var received = await run.ReadAllAsync(new CountRequest { Count = 10_000 });

        Assert.Equal(Enumerable.Range(1, 10_000), received);
        var frames = await sniffer.WaitForChunksAsync(10_000);
        AssertNumberedInOrder(frames);
        Assert.All(frames, f => Assert.InRange(f.Count, 1, StreamFrameWriter.MaxChunks));
        // A producer that always has its next chunk ready fills frames (157 of 64 would do); credit waits, and the
        // pump's thread losing its core on a busy machine (the frame's first chunk waits past the hold limit), cut some short.
        Assert.True(frames.Count <= 10_000 / 8, $"{frames.Count} frames for 10,000 chunks");
    }

    [Fact]
    public async Task No_frame_exceeds_max_payload()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        await using var sniffer = await FrameSniffer.StartAsync(nats.ConnectionString);
        // About 3 KiB a chunk: five fit in 16 KiB, six do not.
        var payload = ByteString.CopyFrom(new byte[3_000]);

        var received = await run.ReadAllAsync(new CountRequest { Count = 300, Payload = payload });

        Assert.Equal(Enumerable.Range(1, 300), received);
        var frames = await sniffer.WaitForChunksAsync(300);
        AssertNumberedInOrder(frames);
        Assert.All(frames, f => Assert.True(f.Size <= SmallPayloadNatsServerFixture.MaxPayload, $"a frame of {f.Size} bytes"));
        Assert.Contains(frames, f => f.Count > 1);
    }

    [Fact]
    public async Task A_chunk_larger_than_the_frame_budget_goes_alone()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        await using var sniffer = await FrameSniffer.StartAsync(nats.ConnectionString);
        // Over the budget (max_payload less room for headers), still within max_payload.
        var payload = ByteString.CopyFrom(new byte[SmallPayloadNatsServerFixture.MaxPayload - 600]);

        var received = await run.ReadAllAsync(new CountRequest { Count = 5, Payload = payload });

        Assert.Equal([1, 2, 3, 4, 5], received);
        var frames = await sniffer.WaitForChunksAsync(5);
        Assert.All(frames, f => Assert.Equal(1, f.Count));
        Assert.All(frames, f => Assert.True(f.Size <= SmallPayloadNatsServerFixture.MaxPayload, $"a frame of {f.Size} bytes"));
    }

    [Fact]
    public async Task A_slow_producers_chunk_is_sent_before_the_next_is_made()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        var watch = Stopwatch.StartNew();

        // The handler makes chunk n only after the reader has chunk n-1: a chunk held back for company stalls it
        // until the idle timeout.
        var options = new CallOptions { Timeout = TimeSpan.FromSeconds(30), IdleTimeout = TimeSpan.FromSeconds(5) };
        var received = await run.ReadAllAsync(new CountRequest { Count = 20, Lockstep = true }, options);

        Assert.Equal(Enumerable.Range(1, 20), received);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_producer_busy_without_awaiting_still_sends_each_chunk_alone()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        await using var sniffer = await FrameSniffer.StartAsync(nats.ConnectionString);

        // Each chunk takes 100 ms of work with no await in it: the SDK sees how long the step took and sends the
        // chunk at once rather than wait for the next. (Arrival times would say it less reliably: the sleeping
        // handler holds one of the test process's few pool threads, which NATS.Net's sending loop also needs.)
        var received = await run.ReadAllAsync(new CountRequest { Count = 4, BusyMs = 100 });

        Assert.Equal([1, 2, 3, 4], received);
        var frames = await sniffer.WaitForChunksAsync(4);
        Assert.Equal([1L, 2L, 3L, 4L], frames.Select(f => f.First));
        Assert.All(frames, f => Assert.Equal(1, f.Count));
    }

    private static void AssertNumberedInOrder(IReadOnlyList<SniffedFrame> frames)
    {
        var next = 1L;
        foreach (var frame in frames)
        {
            Assert.Equal(next, frame.First);
            next += frame.Count;
        }
    }

    private sealed class Running(IHost service, IHost caller) : IAsyncDisposable
    {
        public ServiceClient Client => caller.Services.GetRequiredService<ServiceClient>();

        public StreamTestService.Probe Probe => service.Services.GetRequiredService<StreamTestService.Probe>();

        public static async Task<Running> StartAsync(string connectionString) =>
            new(await StreamTestService.StartAsync(connectionString), await StreamTestService.StartCallerAsync(connectionString));

        /// <summary>Reads the whole stream, telling the probe of every chunk taken.</summary>
        public async Task<List<int>> ReadAllAsync(CountRequest request, CallOptions? options = null)
        {
            var received = new List<int>();
            await foreach (var chunk in Client.StreamAsync<CountChunk>(StreamTestService.Count, request, options ?? Patient))
            {
                Probe.Take();
                received.Add(chunk.N);
            }

            return received;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in new[] { caller, service })
            {
                await host.StopAsync();
                await ((IAsyncDisposable)host).DisposeAsync();
            }
        }
    }
}

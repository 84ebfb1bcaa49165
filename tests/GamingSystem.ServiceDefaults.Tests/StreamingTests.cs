using System.Diagnostics;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.ServiceDefaults.Tests.SdkTest.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// Server-streaming calls over a real nats-server: order and completeness, flow control, the caller stopping,
/// cancelling or vanishing, errors mid-stream, idle and deadline limits, the concurrency bound and tracing.
/// </summary>
public sealed class StreamingTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly CallOptions Patient = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Ten_thousand_chunks_arrive_complete_and_in_order()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        var received = new List<int>();

        await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 10_000 }, Patient))
        {
            received.Add(chunk.N);
        }

        Assert.Equal(Enumerable.Range(1, 10_000), received);
    }

    [Fact]
    public async Task Chunks_larger_than_a_frame_of_many_arrive_whole()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        // Above the 64 KiB a frame of several chunks may carry, well within the server's 1 MiB max_payload.
        var payload = Google.Protobuf.ByteString.CopyFrom(Enumerable.Range(0, 100 * 1024).Select(i => (byte)i).ToArray());
        var received = new List<int>();

        await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 5, Payload = payload }, Patient))
        {
            Assert.Equal(payload, chunk.Payload);
            received.Add(chunk.N);
        }

        Assert.Equal([1, 2, 3, 4, 5], received);
    }

    [Fact]
    public async Task A_slow_reader_keeps_the_producer_within_the_window()
    {
        const int Window = 8;
        const int Count = 200;
        await using var run = await Running.StartAsync(nats.ConnectionString, window: Window);
        var taken = 0;

        await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = Count }, Patient))
        {
            run.Probe.Take();
            taken++;
            Assert.Equal(taken, chunk.N);
            // Let the producer run as far as it will: the window lets it reach at least half a window past the reader, and
            // without flow control it would race on to the end.
            await WaitUntilAsync(() => run.Probe.Produced >= Math.Min(Count, taken + (Window / 2)));
        }

        Assert.Equal(Count, taken);
        // The handler counts a chunk just before yielding it, so it may hold one more than the window at its yield.
        Assert.InRange(run.Probe.MaxLead, Window / 2, Window + 1);
    }

    [Fact]
    public async Task A_reader_that_stops_reading_cancels_the_handler_at_once()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        long stopped = 0;

        await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 1_000_000 }, Patient))
        {
            if (chunk.N == 5)
            {
                stopped = Stopwatch.GetTimestamp();
                break;
            }
        }

        var cancelled = await run.Probe.Cancelled.WaitAsync(TimeSpan.FromSeconds(5));
        // Well inside a second, and inside the caller-silence limit (2 s): the cancel message did it.
        Assert.True(Stopwatch.GetElapsedTime(stopped, cancelled) < TimeSpan.FromMilliseconds(500), $"cancelled {Stopwatch.GetElapsedTime(stopped, cancelled)} after the reader stopped");
    }

    [Fact]
    public async Task The_callers_token_cancels_the_stream_and_the_handler()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        using var cancel = new CancellationTokenSource();
        long cancelledByCaller = 0;
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 1_000_000 }, Patient, cancel.Token))
            {
                received = chunk.N;
                if (chunk.N == 3)
                {
                    cancelledByCaller = Stopwatch.GetTimestamp();
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);
        var cancelled = await run.Probe.Cancelled.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(Stopwatch.GetElapsedTime(cancelledByCaller, cancelled) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_caller_that_goes_away_cancels_the_handler_soon_after_its_silence_limit()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        var stream = run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 1_000_000 }, Patient).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.True(await stream.MoveNextAsync());

        // The caller's connection closes without a word, as when its process dies: no cancel, no more heartbeats.
        var gone = Stopwatch.GetTimestamp();
        await run.Caller.Services.GetRequiredService<INatsConnection>().DisposeAsync();

        var cancelled = await run.Probe.Cancelled.WaitAsync(TimeSpan.FromSeconds(5));
        // The limit is 2 s of silence from the last heartbeat (at most 200 ms before the caller went); a second more is slack.
        Assert.True(Stopwatch.GetElapsedTime(gone, cancelled) < TimeSpan.FromSeconds(3), $"cancelled {Stopwatch.GetElapsedTime(gone, cancelled)} after the caller went away");
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task An_error_mid_stream_reaches_the_caller_typed_after_the_chunks_before_it()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        var received = new List<int>();

        var error = await Assert.ThrowsAsync<ServiceException>(async () =>
        {
            await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 10, FailAt = 6 }, Patient))
            {
                received.Add(chunk.N);
            }
        });

        Assert.Equal([1, 2, 3, 4, 5], received);
        Assert.Equal(ErrorCode.FailedPrecondition, error.Code);
        Assert.Equal("chunk 6 cannot be made", error.Message);
        Assert.Equal("6", error.Error.Details["at"]);
    }

    [Fact]
    public async Task No_running_service_is_unavailable_at_once()
    {
        var caller = await StreamTestService.StartCallerAsync(nats.ConnectionString);
        try
        {
            var client = caller.Services.GetRequiredService<ServiceClient>();
            var watch = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<ServiceException>(async () =>
            {
                await foreach (var _ in client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 3 }, Patient))
                {
                }
            });

            Assert.Equal(ErrorCode.Unavailable, error.Code);
            Assert.Contains("svc.sdk_test.v1.count", error.Message);
            // The idle timeout is 10 s: this is NATS's no-responders answer, not a wait.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        }
        finally
        {
            await Running.StopAsync(caller);
        }
    }

    [Fact]
    public async Task A_handler_that_stalls_past_the_idle_timeout_ends_the_call_with_deadline_exceeded()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        var received = new List<int>();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServiceException>(async () =>
        {
            var options = new CallOptions { Timeout = TimeSpan.FromSeconds(30), IdleTimeout = TimeSpan.FromMilliseconds(300) };
            await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 10, StallAt = 3 }, options))
            {
                received.Add(chunk.N);
            }
        });

        Assert.Equal(ErrorCode.DeadlineExceeded, error.Code);
        Assert.Contains("idle timeout", error.Message);
        Assert.Equal([1, 2], received);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed} with a 300 ms idle timeout and a 30 s deadline");
        // The caller's giving up reaches the stalled handler too.
        await run.Probe.Cancelled.WaitAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task The_callers_deadline_bounds_the_whole_stream()
    {
        await using var run = await Running.StartAsync(nats.ConnectionString);
        var received = 0;
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServiceException>(async () =>
        {
            // Every chunk comes well within the idle timeout; only the deadline can end this.
            var options = new CallOptions { Timeout = TimeSpan.FromMilliseconds(600), IdleTimeout = TimeSpan.FromSeconds(5) };
            await foreach (var chunk in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 1_000, DelayMs = 20 }, options))
            {
                received = chunk.N;
            }
        });

        Assert.Equal(ErrorCode.DeadlineExceeded, error.Code);
        Assert.InRange(received, 1, 999);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed} with a 600 ms deadline");
        await run.Probe.Cancelled.WaitAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Trace_context_flows_from_the_caller_to_the_stream_handler()
    {
        using var source = new ActivitySource("GamingSystem.Tests.Streams");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "GamingSystem.Tests.Streams" or MessagingTelemetry.ActivitySourceName or "NATS.Net",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        await using var run = await Running.StartAsync(nats.ConnectionString);

        using (var parent = source.StartActivity("caller"))
        {
            await foreach (var _ in run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 2 }, Patient))
            {
            }

            Assert.Equal(parent!.TraceId, run.Probe.TraceId);
        }
    }

    [Fact]
    public async Task A_stream_holds_a_slot_of_the_services_concurrency_bound()
    {
        await using var run = await Running.StartAsync(
            nats.ConnectionString,
            handlers: s => s.AddHandler<StreamTestService.CountHandler>().AddHandler<StreamTestService.PingHandler>().WithMaxConcurrency(1, maxWaiting: 0));
        var open = run.Client.StreamAsync<CountChunk>(StreamTestService.Count, new CountRequest { Count = 1_000_000 }, Patient).GetAsyncEnumerator();
        try
        {
            Assert.True(await open.MoveNextAsync());

            var error = await Assert.ThrowsAsync<ServiceException>(() =>
                run.Client.RequestAsync<PingReply>(StreamTestService.Ping, new PingRequest { Count = 1 }));

            Assert.Equal(ErrorCode.Unavailable, error.Code);
            Assert.Contains("capacity", error.Message);
        }
        finally
        {
            await open.DisposeAsync();
        }
    }

    [Fact]
    public void A_unary_handler_for_a_streaming_method_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            StreamTestService.Build(nats.ConnectionString, s => s.AddHandler<StreamTestService.CountHandlerThatIsUnary>()));

        Assert.Contains("returns a stream", error.Message);
        Assert.Contains("IStreamHandler<CountRequest, CountChunk>", error.Message);
    }

    [Fact]
    public void A_stream_handler_for_a_unary_method_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            StreamTestService.Build(nats.ConnectionString, s => s.AddHandler<StreamTestService.PingHandlerThatStreams>()));

        Assert.Contains("returns one PingReply", error.Message);
        Assert.Contains("IServiceHandler<PingRequest, PingReply>", error.Message);
    }

    [Fact]
    public async Task Start_up_fails_when_the_streaming_method_has_no_handler()
    {
        using var host = StreamTestService.Build(nats.ConnectionString, s => s.AddHandler<StreamTestService.PingHandler>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("no handler for Count", error.Message);
    }

    [Fact]
    public async Task Calling_a_method_the_wrong_way_is_refused_before_anything_is_sent()
    {
        var caller = await StreamTestService.StartCallerAsync(nats.ConnectionString);
        try
        {
            var client = caller.Services.GetRequiredService<ServiceClient>();

            var unary = await Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync<CountChunk>(StreamTestService.Count, new CountRequest()));
            var stream = Assert.Throws<ArgumentException>(() => client.StreamAsync<PingReply>(StreamTestService.Ping, new PingRequest()));

            Assert.Contains("StreamAsync", unary.Message);
            Assert.Contains("RequestAsync", stream.Message);
        }
        finally
        {
            await Running.StopAsync(caller);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached within 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>A service and a caller, each with its own connection; stopped in order so no endpoint outlives its test.</summary>
    private sealed class Running(IHost service, IHost caller) : IAsyncDisposable
    {
        public IHost Caller => caller;

        public ServiceClient Client => caller.Services.GetRequiredService<ServiceClient>();

        public StreamTestService.Probe Probe => service.Services.GetRequiredService<StreamTestService.Probe>();

        public static async Task<Running> StartAsync(string connectionString, int? window = null, Action<NatsServiceBuilder>? handlers = null)
        {
            var service = await StreamTestService.StartAsync(connectionString, handlers);
            return new Running(service, await StreamTestService.StartCallerAsync(connectionString, window));
        }

        public static async Task StopAsync(IHost host)
        {
            await host.StopAsync();
            await ((IAsyncDisposable)host).DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync(caller);
            await StopAsync(service);
        }
    }
}

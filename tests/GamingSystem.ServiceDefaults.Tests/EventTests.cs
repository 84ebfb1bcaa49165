using System.Collections.Concurrent;
using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// JetStream events through the SDK against a real nats-server: streams from the contracts, de-duplicated publishes,
/// durable consumers with redelivery and dead-lettering, trace context, restarts.
/// Each test marks its events with a key of its own, since the streams are shared by the class.
/// </summary>
public sealed class EventTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private static readonly string StateChangedSubject = EventContracts.SubjectOf(StateChanged.Descriptor)!;
    private readonly List<IHost> _hosts = [];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync(TimeSpan.FromSeconds(5));
            host.Dispose();
        }
    }

    [Fact]
    public async Task The_five_streams_of_the_contracts_exist_with_their_subjects_after_start_up_and_a_second_start_changes_nothing()
    {
        await StartAsync();
        await StartAsync();
        var js = new NatsJSContext(new NatsConnection(new NatsOpts { Url = nats.ConnectionString }));

        foreach (var expected in EventContracts.Streams)
        {
            var stream = await js.GetStreamAsync(expected.Name);
            Assert.Equal(expected.Subjects, stream.Info.Config.Subjects);
            Assert.Equal(EventStreams.DuplicateWindow, stream.Info.Config.DuplicateWindow);
            Assert.Equal(StreamConfigStorage.File, stream.Info.Config.Storage);
        }
    }

    [Fact]
    public async Task The_same_event_published_twice_with_one_idempotency_key_is_stored_once()
    {
        var publisher = (await StartAsync()).Services.GetRequiredService<EventPublisher>();
        var evt = Changed("dedupe");

        var first = await publisher.PublishEventAsync(evt, idempotencyKey: $"{_run}-once");
        var second = await publisher.PublishEventAsync(evt, idempotencyKey: $"{_run}-once");
        var other = await publisher.PublishEventAsync(evt, idempotencyKey: $"{_run}-other");

        Assert.Equal("WORLD", first.Stream);
        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.Sequence, second.Sequence);
        Assert.Equal(first.Sequence + 1, other.Sequence);
        Assert.Equal(2, (await StoredAsync("WORLD", StateChangedSubject, first.Sequence)).Count(m => Key(m.Data) == Marker("dedupe")));
    }

    [Fact]
    public async Task A_message_that_is_not_an_event_is_refused_before_anything_is_sent()
    {
        var publisher = (await StartAsync()).Services.GetRequiredService<EventPublisher>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await publisher.PublishEventAsync(new GetRequest { Key = "k" }));
        Assert.Contains("GetRequest is not an event", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_receives_each_event_once_inside_the_trace_of_its_publish_and_acknowledges_it()
    {
        using var listener = Listen();
        var host = await StartAsync(b => b.AddEventHandler<StateChanged, RecordingHandler>(o => o.Durable = $"trace-{_run}"));
        var probe = host.Services.GetRequiredService<Probe>();

        ActivityTraceId traceId;
        using (var publish = new Activity("test publish").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceId = publish.TraceId;
            await host.Services.GetRequiredService<EventPublisher>().PublishEventAsync(Changed("traced"));
        }

        var seen = await probe.WaitForAsync(Marker("traced"), 1);
        Assert.Equal(traceId, seen[0].TraceId);
        Assert.Equal(1ul, seen[0].Delivery);
        await WaitUntilAsync(async () => (await ConsumerAsync("WORLD", $"trace-{_run}")).Info.NumAckPending == 0, "the event acknowledged");
        Assert.Single(probe.Seen(Marker("traced")));
    }

    [Fact]
    public async Task A_handler_that_always_fails_sends_the_event_to_the_dlq_after_max_deliveries_with_its_subject_and_error()
    {
        var host = await StartAsync(b => b.AddEventHandler<StateChanged, RecordingHandler>(o =>
        {
            o.Durable = $"fails-{_run}";
            o.MaxDeliveries = 3;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        }));
        var probe = host.Services.GetRequiredService<Probe>();

        var receipt = await host.Services.GetRequiredService<EventPublisher>().PublishEventAsync(Changed("fail-always"), $"{_run}-fail");

        var letter = await WaitForDeadLetterAsync(Marker("fail-always"));
        Assert.Equal(3, probe.Seen(Marker("fail-always")).Count);
        Assert.Equal([1ul, 2ul, 3ul], probe.Seen(Marker("fail-always")).Select(s => s.Delivery).Order());
        Assert.Equal("dlq." + StateChangedSubject, letter.Subject);
        Assert.Equal(StateChangedSubject, Header(letter, EventHeaders.OriginalSubject));
        Assert.Equal("WORLD", Header(letter, EventHeaders.OriginalStream));
        Assert.Equal(receipt.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(letter, EventHeaders.OriginalSequence));
        Assert.Equal($"fails-{_run}", Header(letter, EventHeaders.Consumer));
        Assert.Equal("3", Header(letter, EventHeaders.Deliveries));
        Assert.Equal($"{_run}-fail", Header(letter, EventHeaders.OriginalMessageId));
        Assert.Contains("planted failure", Header(letter, EventHeaders.Error), StringComparison.Ordinal);
        Assert.Equal(StateChanged.Descriptor.FullName, Header(letter, EventHeaders.EventType));
        await WaitUntilAsync(async () => (await ConsumerAsync("WORLD", $"fails-{_run}")).Info.NumAckPending == 0, "the dead-lettered event acknowledged");
    }

    [Fact]
    public async Task A_handler_that_fails_then_succeeds_is_retried_and_nothing_is_dead_lettered()
    {
        var host = await StartAsync(b => b.AddEventHandler<StateChanged, RecordingHandler>(o =>
        {
            o.Durable = $"flaky-{_run}";
            o.MaxDeliveries = 3;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        }));
        var probe = host.Services.GetRequiredService<Probe>();

        await host.Services.GetRequiredService<EventPublisher>().PublishEventAsync(Changed("fail-once"));

        var seen = await probe.WaitForAsync(Marker("fail-once"), 2);
        Assert.Equal([1ul, 2ul], seen.Select(s => s.Delivery));
        await WaitUntilAsync(async () => (await ConsumerAsync("WORLD", $"flaky-{_run}")).Info.NumAckPending == 0, "the retried event acknowledged");
        Assert.DoesNotContain(await StoredAsync("DLQ", "dlq.>", 1), m => Key(m.Data) == Marker("fail-once"));
    }

    [Fact]
    public async Task A_payload_that_is_not_the_event_goes_to_the_dlq_at_once_without_reaching_the_handler()
    {
        var host = await StartAsync(b => b.AddEventHandler<StateChanged, RecordingHandler>(o => o.Durable = $"poison-{_run}"));
        var probe = host.Services.GetRequiredService<Probe>();
        var poison = new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };

        await host.Services.GetRequiredService<EventPublisher>().PublishAsync(StateChangedSubject, poison, new NatsHeaders { ["Nats-Msg-Id"] = $"{_run}-poison" });

        var letter = await WaitForDeadLetterAsync(m => Header(m, EventHeaders.OriginalMessageId) == $"{_run}-poison");
        Assert.Equal("1", Header(letter, EventHeaders.Deliveries));
        Assert.Contains("not a valid gaming.state_manager.v1.StateChanged", Header(letter, EventHeaders.Error), StringComparison.Ordinal);
        Assert.Equal(poison, letter.Data);
        Assert.DoesNotContain(probe.All, s => s.Key.StartsWith(_run, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_consumer_handles_no_more_events_at_once_than_its_bound()
    {
        var host = await StartAsync(b => b.AddEventHandler<StateChanged, RecordingHandler>(o =>
        {
            o.Durable = $"bounded-{_run}";
            o.MaxConcurrency = 3;
        }));
        var probe = host.Services.GetRequiredService<Probe>();
        var publisher = host.Services.GetRequiredService<EventPublisher>();

        for (var i = 0; i < 30; i++)
        {
            await publisher.PublishEventAsync(Changed($"slow-{i}"));
        }

        await WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, 30).All(i => probe.Seen(Marker($"slow-{i}")).Count > 0)), "all 30 events handled");
        Assert.InRange(probe.MaxRunning, 2, 3);
    }

    [Fact]
    public async Task Restarting_the_consumers_service_loses_no_event_and_does_not_redeliver_acknowledged_ones()
    {
        void Handler(IHostApplicationBuilder b) => b.AddEventHandler<StateChanged, RecordingHandler>(o => o.Durable = $"restart-{_run}");
        var first = await StartAsync(Handler);
        var publisher = first.Services.GetRequiredService<EventPublisher>();
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishEventAsync(Changed($"before-{i}"));
        }

        var firstProbe = first.Services.GetRequiredService<Probe>();
        await WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, 20).All(i => firstProbe.Seen(Marker($"before-{i}")).Count > 0)), "the first 20 handled");
        await WaitUntilAsync(async () => (await ConsumerAsync("WORLD", $"restart-{_run}")).Info.NumAckPending == 0, "the first 20 acknowledged");
        await first.StopAsync();

        // Published while no instance of the service runs.
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishEventAsync(Changed($"while-down-{i}"));
        }

        var second = await StartAsync(Handler);
        var secondProbe = second.Services.GetRequiredService<Probe>();
        await WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, 20).All(i => secondProbe.Seen(Marker($"while-down-{i}")).Count > 0)), "the 20 published while down handled");
        Assert.DoesNotContain(secondProbe.All, s => s.Key.StartsWith(Marker("before-"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_nats_unreachable_a_publish_ends_by_its_timeout_as_unavailable()
    {
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var unreachable = $"nats://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}";
        port.Stop();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = unreachable,
            ["Messaging:Events:PublishTimeout"] = "00:00:01",
        });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.AddEventPublisher();
        using var host = builder.Build();
        var publisher = host.Services.GetRequiredService<EventPublisher>();

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ServiceException>(async () => await publisher.PublishEventAsync(Changed("nowhere")));

        Assert.Equal(Contracts.Common.V1.ErrorCode.Unavailable, error.Error.Code);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    private string Marker(string name) => $"{_run}-{name}";

    private StateChanged Changed(string name) => new() { Key = Marker(name), Version = 1 };

    private static string Key(byte[]? data)
    {
        try
        {
            return StateChanged.Parser.ParseFrom(data ?? []).Key;
        }
        catch (InvalidProtocolBufferException)
        {
            return "";
        }
    }

    private static string Header(INatsJSMsg<byte[]> msg, string name) =>
        msg.Headers is not null && msg.Headers.TryGetValue(name, out var value) ? value.ToString() : "";

    private async Task<IHost> StartAsync(Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:nats"] = nats.ConnectionString });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.AddEventPublisher();
        builder.Services.AddSingleton<Probe>();
        configure?.Invoke(builder);
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private async Task<INatsJSConsumer> ConsumerAsync(string stream, string durable)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = nats.ConnectionString });
        var js = new NatsJSContext(connection);
        var consumer = await js.GetConsumerAsync(stream, durable);
        return consumer;
    }

    private async Task<List<INatsJSMsg<byte[]>>> StoredAsync(string stream, string filter, ulong from)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = nats.ConnectionString });
        var js = new NatsJSContext(connection);
        var consumer = await js.CreateOrderedConsumerAsync(stream, new NatsJSOrderedConsumerOpts
        {
            FilterSubjects = [filter],
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = from,
        });
        var messages = new List<INatsJSMsg<byte[]>>();
        await foreach (var msg in consumer.FetchNoWaitAsync(new NatsJSFetchOpts { MaxMsgs = 1000 }, NatsRawSerializer<byte[]>.Default))
        {
            messages.Add(msg);
        }

        return messages;
    }

    private Task<INatsJSMsg<byte[]>> WaitForDeadLetterAsync(string key) => WaitForDeadLetterAsync(m => Key(m.Data) == key);

    private async Task<INatsJSMsg<byte[]>> WaitForDeadLetterAsync(Func<INatsJSMsg<byte[]>, bool> match)
    {
        INatsJSMsg<byte[]>? found = null;
        await WaitUntilAsync(
            async () => (found = (await StoredAsync("DLQ", "dlq.>", 1)).FirstOrDefault(match)) is not null,
            "the dead letter");
        return found!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(25);
        }
    }

    private static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    public sealed record Seen(string Key, ulong Delivery, ActivityTraceId? TraceId);

    /// <summary>What the handler saw; its behaviour is chosen by the event's key.</summary>
    public sealed class Probe
    {
        private readonly ConcurrentQueue<Seen> _seen = new();
        private int _running;
        private int _maxRunning;

        public IEnumerable<Seen> All => _seen;

        public int MaxRunning => Volatile.Read(ref _maxRunning);

        public IReadOnlyList<Seen> Seen(string key) => _seen.Where(s => s.Key == key).ToArray();

        public async Task<IReadOnlyList<Seen>> WaitForAsync(string key, int count)
        {
            await WaitUntilAsync(() => Task.FromResult(Seen(key).Count >= count), $"{count} deliveries of {key}");
            return Seen(key);
        }

        public async ValueTask RecordAsync(StateChanged evt, EventContext context)
        {
            var now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
            {
            }

            try
            {
                _seen.Enqueue(new Seen(evt.Key, context.Delivery, Activity.Current?.TraceId));
                if (evt.Key.Contains("-slow-", StringComparison.Ordinal))
                {
                    await Task.Delay(30, context.CancellationToken);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }

            if (evt.Key.EndsWith("-fail-always", StringComparison.Ordinal) || (evt.Key.EndsWith("-fail-once", StringComparison.Ordinal) && context.Delivery == 1))
            {
                throw new InvalidOperationException("planted failure");
            }
        }
    }

    public sealed class RecordingHandler(Probe probe) : IEventHandler<StateChanged>
    {
        public ValueTask HandleAsync(StateChanged evt, EventContext context) => probe.RecordAsync(evt, context);
    }
}

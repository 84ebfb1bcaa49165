using System.Collections.Concurrent;
using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.IntegrationTests;

/// <summary>The event bus and the events of the running system, over the system's own NATS and JetStream.</summary>
[Collection(SystemCollection.Name)]
public sealed class EventBusTests(SystemFixture system)
{
    private static readonly string StateChangedSubject = EventContracts.SubjectOf(StateChanged.Descriptor)!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_state_manager_write_publishes_one_state_changed_event_with_its_key_and_version()
    {
        await using var bus = await BusClient.StartAsync(system);
        var api = new StateApi(system.Gateway);
        var key = $"test/events/{_run}";
        var start = await TailAsync(bus, StateChangedSubject);

        var (putStatus, put) = await api.PutAsync(key, "one");
        var (deleteStatus, _) = await api.DeleteAsync(key);
        var (conflictStatus, _) = await api.PutAsync(key, "stale", expectedVersion: 99);

        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal(HttpStatusCode.Conflict, conflictStatus);
        var mine = await WaitForAsync(bus, StateChangedSubject, start, events => events.Count(e => StateChanged.Parser.ParseFrom(e.Payload).Key == key) >= 2);
        var changes = mine.Select(e => StateChanged.Parser.ParseFrom(e.Payload)).Where(c => c.Key == key).ToArray();
        Assert.Equal(2, changes.Length);
        Assert.Equal((StateApi.Long(put["version"]), false), (changes[0].Version, changes[0].Deleted));
        Assert.Equal((StateApi.Long(put["version"]), true), (changes[1].Version, changes[1].Deleted));
        Assert.All(mine.Where(e => StateChanged.Parser.ParseFrom(e.Payload).Key == key), e => Assert.Equal(StateChanged.Descriptor.FullName, e.Type));
    }

    [Fact]
    public async Task Publishing_twice_with_one_idempotency_key_stores_one_message_and_replay_from_a_sequence_returns_exactly_the_later_ones()
    {
        await using var bus = await BusClient.StartAsync(system);
        var subject = $"evt.player.test_{_run}";
        // Another subject of the same stream, which a replay of the first must leave out.
        await PublishAsync(bus, $"evt.player.noise_{_run}", "noise", $"{_run}-noise");

        var first = await PublishAsync(bus, subject, "a", $"{_run}-a");
        var again = await PublishAsync(bus, subject, "a", $"{_run}-a");
        var b = await PublishAsync(bus, subject, "b", $"{_run}-b");
        var c = await PublishAsync(bus, subject, "c", $"{_run}-c");

        Assert.Equal("PLAYER", first.Stream);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Sequence, again.Sequence);
        var all = await ReplayAsync(bus, new ReplayRequest { SubjectFilter = subject, FromSequence = 1 });
        Assert.Equal(["a", "b", "c"], all.Events.Select(e => e.Payload.ToStringUtf8()));
        var later = await ReplayAsync(bus, new ReplayRequest { SubjectFilter = subject, FromSequence = b.Sequence });
        Assert.Equal([b.Sequence, c.Sequence], later.Events.Select(e => e.Sequence));
        Assert.Equal("test.Type", later.Events[0].Type);
        Assert.Equal(0ul, later.NextSequence);
        var paged = await ReplayAsync(bus, new ReplayRequest { SubjectFilter = subject, FromSequence = 1, Limit = 2 });
        Assert.Equal(["a", "b"], paged.Events.Select(e => e.Payload.ToStringUtf8()));
        Assert.Equal(c.Sequence, paged.NextSequence);
    }

    [Fact]
    public async Task An_event_its_handler_always_fails_lands_in_the_dlq_and_redrive_delivers_it_again()
    {
        var attempts = new ConcurrentDictionary<string, int>();
        var healed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bus = await BusClient.StartAsync(system, builder =>
        {
            builder.Services.AddSingleton(new Flaky(_run, attempts, healed));
            builder.AddEventHandler<StateChanged, FlakyHandler>(o =>
            {
                o.Durable = $"it-flaky-{_run}";
                o.MaxDeliveries = 2;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            });
        });
        var key = $"{_run}-poisoned";

        await bus.Events.PublishEventAsync(new StateChanged { Key = key, Version = 1 });
        var letter = await WaitForDeadLetterAsync(bus, key);

        Assert.Equal(StateChangedSubject, letter.OriginalSubject);
        Assert.Equal($"it-flaky-{_run}", letter.Consumer);
        Assert.Equal(2ul, letter.Deliveries);
        Assert.Contains("still broken", letter.Error, StringComparison.Ordinal);
        Assert.Equal(StateChanged.Descriptor.FullName, letter.Type);

        bus.Get<Flaky>().Heal();
        var redriven = await bus.Services.RequestAsync<RedriveResponse>(Method("Redrive"), new RedriveRequest { DeadLetterId = letter.Id });

        Assert.Equal(StateChangedSubject, redriven.Subject);
        Assert.Equal(key, await healed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain((await ListDeadLettersAsync(bus)).DeadLetters, d => d.Id == letter.Id);
        var again = await Assert.ThrowsAsync<ServiceException>(() =>
            bus.Services.RequestAsync<RedriveResponse>(Method("Redrive"), new RedriveRequest { DeadLetterId = letter.Id }));
        Assert.Equal(ErrorCode.NotFound, again.Code);
    }

    [Theory]
    [InlineData("evt.nowhere.happened", "k", "subject")]
    [InlineData("dlq.evt.world.x", "k", "subject")]
    [InlineData("evt.world.*", "k", "subject")]
    [InlineData("evt.world.x", "", "idempotencyKey")]
    public async Task A_publish_the_bus_cannot_store_is_invalid_argument_naming_the_field(string subject, string key, string field)
    {
        await using var bus = await BusClient.StartAsync(system);

        var error = await Assert.ThrowsAsync<ServiceException>(() => bus.Services.RequestAsync<PublishResponse>(
            Method("Publish"), new PublishRequest { Type = "t", Subject = subject, IdempotencyKey = key, Payload = ByteString.CopyFromUtf8("x") }));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(field, error.Error.Field);
    }

    [Fact]
    public async Task A_replay_beyond_the_limit_or_across_streams_is_invalid_argument()
    {
        await using var bus = await BusClient.StartAsync(system);

        var tooMany = await Assert.ThrowsAsync<ServiceException>(() => ReplayAsync(bus, new ReplayRequest { SubjectFilter = "evt.world.>", Limit = 5000 }));
        var across = await Assert.ThrowsAsync<ServiceException>(() => ReplayAsync(bus, new ReplayRequest { SubjectFilter = "evt.>" }));

        Assert.Equal(("limit", ErrorCode.InvalidArgument), (tooMany.Error.Field, tooMany.Code));
        Assert.Equal(("subjectFilter", ErrorCode.InvalidArgument), (across.Error.Field, across.Code));
    }

    private static Google.Protobuf.Reflection.MethodDescriptor Method(string name) => ContractRegistry.EventBus.FindMethodByName(name);

    private static Task<PublishResponse> PublishAsync(BusClient bus, string subject, string payload, string key) =>
        bus.Services.RequestAsync<PublishResponse>(Method("Publish"), new PublishRequest
        {
            Type = "test.Type",
            Subject = subject,
            Payload = ByteString.CopyFromUtf8(payload),
            IdempotencyKey = key,
        });

    private static Task<ReplayResponse> ReplayAsync(BusClient bus, ReplayRequest request) =>
        bus.Services.RequestAsync<ReplayResponse>(Method("Replay"), request);

    private static Task<ListDeadLettersResponse> ListDeadLettersAsync(BusClient bus) =>
        bus.Services.RequestAsync<ListDeadLettersResponse>(Method("ListDeadLetters"), new ListDeadLettersRequest { PageSize = 1000 });

    /// <summary>The sequence after the last stored event on the subject, to read only what a test causes.</summary>
    private static async Task<ulong> TailAsync(BusClient bus, string subject)
    {
        ulong next = 1;
        while (true)
        {
            var page = await ReplayAsync(bus, new ReplayRequest { SubjectFilter = subject, FromSequence = next, Limit = 1000 });
            if (page.Events.Count > 0)
            {
                next = page.Events[^1].Sequence + 1;
            }

            if (page.NextSequence == 0)
            {
                return next;
            }
        }
    }

    private static async Task<IReadOnlyList<StoredEvent>> WaitForAsync(BusClient bus, string subject, ulong from, Func<IReadOnlyList<StoredEvent>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var events = (await ReplayAsync(bus, new ReplayRequest { SubjectFilter = subject, FromSequence = from, Limit = 1000 })).Events;
            if (done(events))
            {
                return events;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for events on {subject}; saw {events.Count}.");
            await Task.Delay(50);
        }
    }

    private static async Task<DeadLetter> WaitForDeadLetterAsync(BusClient bus, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var letter = (await ListDeadLettersAsync(bus)).DeadLetters
                .FirstOrDefault(d => d.OriginalSubject == StateChangedSubject && StateChanged.Parser.ParseFrom(d.Payload).Key == key);
            if (letter is not null)
            {
                return letter;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for the dead letter of {key}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Fails every event of its run until healed, then reports the first one it handles.</summary>
    private sealed class Flaky(string run, ConcurrentDictionary<string, int> attempts, TaskCompletionSource<string> healed)
    {
        private volatile bool _healed;

        public void Heal() => _healed = true;

        public void Handle(StateChanged evt)
        {
            if (!evt.Key.StartsWith(run, StringComparison.Ordinal))
            {
                return;
            }

            attempts.AddOrUpdate(evt.Key, 1, (_, n) => n + 1);
            if (!_healed)
            {
                throw new InvalidOperationException($"{evt.Key} is still broken");
            }

            healed.TrySetResult(evt.Key);
        }
    }

    private sealed class FlakyHandler(Flaky flaky) : IEventHandler<StateChanged>
    {
        public ValueTask HandleAsync(StateChanged evt, EventContext context)
        {
            flaky.Handle(evt);
            return ValueTask.CompletedTask;
        }
    }
}

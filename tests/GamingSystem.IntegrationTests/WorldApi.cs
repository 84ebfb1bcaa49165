using GamingSystem.Contracts;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.TimeManager.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.IntegrationTests;

/// <summary>The world services' tests' shared steps: events read back from JetStream through event-bus, and ticks of our own.</summary>
internal static class WorldApi
{
    /// <summary>Every event on <paramref name="subject"/> stored since <paramref name="since"/>, paged through event-bus's Replay.</summary>
    public static async Task<IReadOnlyList<StoredEvent>> EventsSinceAsync(BusClient bus, string subject, DateTimeOffset since)
    {
        var replay = ContractRegistry.EventBus.FindMethodByName("Replay");
        var events = new List<StoredEvent>();
        var request = new ReplayRequest { SubjectFilter = subject, FromTime = Timestamp.FromDateTimeOffset(since), Limit = 1000 };
        while (true)
        {
            var page = await bus.Services.RequestAsync<ReplayResponse>(replay, request);
            events.AddRange(page.Events);
            if (page.NextSequence == 0 || page.Events.Count == 0)
            {
                return events;
            }

            request = new ReplayRequest { SubjectFilter = subject, FromSequence = page.NextSequence, Limit = 1000 };
        }
    }

    public static IEnumerable<T> Parse<T>(IEnumerable<StoredEvent> events, MessageParser<T> parser)
        where T : IMessage<T> => events.Select(e => parser.ParseFrom(e.Payload));

    /// <summary>Publishes evt.time.tick for <paramref name="gameHour"/> as time-manager would, under a key of its own.</summary>
    public static async Task<ulong> TickAsync(BusClient bus, long gameHour) =>
        (await bus.Events.PublishEventAsync(
            new TimeTick { Time = new GameTime { TotalMinutes = gameHour * 60, Day = (gameHour / 24) + 1, Hour = (int)(gameHour % 24) } },
            $"test-tick:{gameHour}:{Guid.NewGuid():N}")).Sequence;
}

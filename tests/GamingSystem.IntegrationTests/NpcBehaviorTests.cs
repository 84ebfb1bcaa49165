using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using NATS.Client.JetStream;
using StackExchange.Redis;
using Action = GamingSystem.Contracts.NpcBehavior.V1.Action;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// npc-behavior on the booted system: NPCs registered over the bus (an administrator's method), read, decided for and
/// talked to through the gateway; needs decay with the game hours of evt.time.tick, which the tests publish
/// themselves (time-manager is another service), once per game hour however often a tick is delivered.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class NpcBehaviorTests(SystemFixture system) : IAsyncLifetime
{
    private const string ClockKey = "{npc-behavior}:clock";
    private readonly ContentApi _api = new(system);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_registered_npc_is_read_back_through_the_gateway_and_an_unknown_one_is_404()
    {
        var registered = await RegisterAsync(new Needs { Hunger = 0.25, Wealth = 0.5 }, new Traits { Bravery = 0.8, Greed = 0.1, Sociability = 0.3, Curiosity = 0.6, Aggression = 0.2 });

        var read = await _api.CallAsync<Npc>(HttpMethod.Get, $"/api/v1/npcs/{registered.Id}");
        var missing = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/npcs/npc-nobody");

        Assert.StartsWith("npc-", registered.Id, StringComparison.Ordinal);
        Assert.Equal(("Maren", "a weary ferryman who distrusts outsiders", "saltmoor"), (read.Name, read.Persona, read.HomeRegionId));
        Assert.Equal(registered.Traits, read.Traits);
        Assert.Equal(registered.CreatedAt, read.CreatedAt);
        // Time may have ticked since (another test's tick): needs only ever grow.
        Assert.True(read.Needs.Hunger >= 0.25 && read.Needs.Wealth >= 0.5, read.Needs.ToString());
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task Registering_is_for_administrators_and_checks_every_trait_and_need()
    {
        var anonymous = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/npcs", """{"name":"x","homeRegionId":"r"}""");
        var player = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/npcs", """{"name":"x","homeRegionId":"r"}""", (await _api.Http.NewPlayerAsync()).Token);
        var trait = await Assert.ThrowsAsync<ServiceException>(() => RegisterAsync(null, new Traits { Bravery = 1.5 }));
        var need = await Assert.ThrowsAsync<ServiceException>(() => RegisterAsync(new Needs { Safety = -0.1 }, null));
        var name = await Assert.ThrowsAsync<ServiceException>(() => ContentApi.BusAsync<Npc>(_bus, ContractRegistry.NpcBehavior, "RegisterNpc", new RegisterNpcRequest { HomeRegionId = "r" }));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Forbidden, player.Status);
        Assert.Equal((ErrorCode.InvalidArgument, "traits.bravery"), (trait.Code, trait.Error.Field));
        Assert.Equal((ErrorCode.InvalidArgument, "needs.safety"), (need.Code, need.Error.Field));
        Assert.Equal((ErrorCode.InvalidArgument, "name"), (name.Code, name.Error.Field));
    }

    [Fact]
    public async Task Decide_picks_the_highest_utility_and_a_changed_need_changes_the_decision_as_the_scores_say()
    {
        var traits = new Traits { Bravery = 0.5, Greed = 0.2, Sociability = 1.0, Curiosity = 0.1, Aggression = 0.1 };
        var lonely = await RegisterAsync(new Needs { Hunger = 0.3, Social = 0.7 }, traits);
        var starving = await RegisterAsync(new Needs { Hunger = 0.95, Social = 0.7 }, traits);
        var context = new DecideRequest { Context = new DecisionContext { RegionId = "saltmoor", PlayersNearby = 0 } };

        var lonelyDecision = await DecideAsync(lonely.Id, context);
        var starvingDecision = await DecideAsync(starving.Id, context);

        foreach (var decision in new[] { lonelyDecision, starvingDecision })
        {
            Assert.Equal(9, decision.Scores.Select(s => s.Action).Distinct().Count());
            Assert.Equal(decision.Scores.OrderByDescending(s => s.Score).Select(s => s.Score), decision.Scores.Select(s => s.Score));
            Assert.Equal(decision.Scores[0].Action, decision.Action);
            Assert.All(decision.Scores, s => Assert.NotEmpty(s.Reasons));
        }

        Assert.Equal(Action.Socialize, lonelyDecision.Action);
        Assert.Equal(Action.Eat, starvingDecision.Action);
        // The scores explain it: eating is worth the hunger, socialising the loneliness times (0.5 + 0.5 x sociability).
        Assert.Equal(starvingDecision.Needs.Hunger, Score(starvingDecision, Action.Eat), 6);
        Assert.Equal(lonelyDecision.Needs.Social, Score(lonelyDecision, Action.Socialize), 6);
        Assert.Contains(Reasons(starvingDecision, Action.Eat), r => r.StartsWith("hunger 0.9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_threat_makes_the_brave_fight_and_the_timid_flee_and_a_bad_context_is_invalid_argument()
    {
        var brave = await RegisterAsync(null, new Traits { Bravery = 0.9, Aggression = 0.8, Sociability = 0.5 });
        var timid = await RegisterAsync(null, new Traits { Bravery = 0.1, Aggression = 0.1, Sociability = 0.5 });
        var danger = new DecideRequest { Context = new DecisionContext { RegionId = "saltmoor", ThreatLevel = 9 } };

        Assert.Equal(Action.Fight, (await DecideAsync(brave.Id, danger)).Action);
        Assert.Equal(Action.Flee, (await DecideAsync(timid.Id, danger)).Action);
        var bad = await _api.ProblemAsync(HttpMethod.Post, $"/api/v1/npcs/{brave.Id}/decide", """{"context":{"threatLevel":11}}""");
        Assert.Equal((HttpStatusCode.BadRequest, "context.threat_level"), (bad.Status, bad.Field));
    }

    [Fact]
    public async Task Needs_decay_once_per_game_hour_of_the_ticks_and_a_redelivered_tick_decays_nothing()
    {
        // Start above any hour counted so far, so this test's ticks are the ones that count.
        var hour = await RedisAsync(async db => (long?)await db.HashGetAsync(ClockKey, "last_hour")) ?? 0;
        hour += 1000;
        await TickAsync(hour, "first");
        await ContentApi.UntilAsync(async () => await RedisAsync(async db => (long?)await db.HashGetAsync(ClockKey, "last_hour")) == hour ? "" : null, "the first tick");
        var traits = new Traits { Sociability = 0.5, Greed = 0.5 };
        var npc = await RegisterAsync(new Needs { Hunger = 0.1, Rest = 0.2, Social = 0.3, Safety = 0.4, Wealth = 0.5 }, traits);
        var before = await DecideAsync(npc.Id, new DecideRequest());

        await TickAsync(hour + 1, "second");
        var oneHour = await NeedsChangedAsync(npc.Id, npc.Needs);
        // The same game hour again, as a redelivery would bring it: once it is handled, nothing has decayed.
        await HandledAsync(await TickAsync(hour + 1, "second-redelivered"));
        var afterRedelivery = (await _api.CallAsync<Npc>(HttpMethod.Get, $"/api/v1/npcs/{npc.Id}")).Needs;
        await TickAsync(hour + 2, "third");
        var twoHours = await NeedsChangedAsync(npc.Id, oneHour);

        Assert.Equal(Action.Work, before.Action);
        Assert.Equal(new Needs { Hunger = 0.15, Rest = 0.24, Social = 0.325, Safety = 0.41, Wealth = 0.52 }, oneHour);
        Assert.Equal(oneHour, afterRedelivery);
        Assert.Equal(new Needs { Hunger = 0.2, Rest = 0.28, Social = 0.35, Safety = 0.42, Wealth = 0.54 }, twoHours);
        // Decide sees the decayed needs.
        Assert.Equal(twoHours, (await DecideAsync(npc.Id, new DecideRequest())).Needs);
    }

    [Fact]
    public async Task Talk_answers_in_the_npcs_persona_and_says_who_wrote_the_line()
    {
        var npc = await RegisterAsync(new Needs { Hunger = 0.9 }, new Traits { Sociability = 0.9, Curiosity = 0.7 });
        var player = await _api.Http.NewPlayerAsync();

        var reply = await _api.CallAsync<TalkResponse>(HttpMethod.Post, $"/api/v1/npcs/{npc.Id}/talk", new TalkRequest { Utterance = "Have you seen the beacons of the Greywatch?" }, player.Token);
        var anonymous = await _api.ProblemAsync(HttpMethod.Post, $"/api/v1/npcs/{npc.Id}/talk", """{"utterance":"hello"}""");
        var empty = await _api.ProblemAsync(HttpMethod.Post, $"/api/v1/npcs/{npc.Id}/talk", """{"utterance":""}""", player.Token);

        Assert.Equal(npc.Id, reply.NpcId);
        Assert.False(string.IsNullOrWhiteSpace(reply.Line));
        // ai-router is up: a model wrote it, and says which.
        Assert.Equal(ContentSource.Ai, reply.Source);
        Assert.NotEmpty(reply.ModelId);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "utterance"), (empty.Status, empty.Field));
    }

    private async Task<Npc> RegisterAsync(Needs? needs, Traits? traits) =>
        await ContentApi.BusAsync<Npc>(_bus, ContractRegistry.NpcBehavior, "RegisterNpc", new RegisterNpcRequest
        {
            Name = "Maren",
            Persona = "a weary ferryman who distrusts outsiders",
            HomeRegionId = "saltmoor",
            Needs = needs,
            Traits = traits,
        });

    private Task<Decision> DecideAsync(string npcId, DecideRequest request) =>
        _api.CallAsync<Decision>(HttpMethod.Post, $"/api/v1/npcs/{npcId}/decide", request);

    private async Task<ulong> TickAsync(long gameHour, string delivery) =>
        (await _bus.Events.PublishEventAsync(new TimeTick { Time = new GameTime { TotalMinutes = (gameHour * 60) + 5, Hour = (int)(gameHour % 24) } }, $"test-tick:{gameHour}:{delivery}:{Guid.NewGuid():N}")).Sequence;

    /// <summary>Waits until npc-behavior's durable consumer has acknowledged the event at <paramref name="sequence"/>.</summary>
    private async Task HandledAsync(ulong sequence)
    {
        var js = _bus.Get<INatsJSContext>();
        var durable = EventContracts.DurableName(ResourceNames.NpcBehavior, TimeTick.Descriptor);
        await ContentApi.UntilAsync(
            async () => (await js.GetConsumerAsync(nameof(EventStream.World).ToUpperInvariant(), durable)).Info.AckFloor.StreamSeq >= sequence ? "" : null,
            $"{durable} to acknowledge sequence {sequence}");
    }

    private async Task<Needs> NeedsChangedAsync(string npcId, Needs from) =>
        await ContentApi.UntilAsync(async () => (await _api.CallAsync<Npc>(HttpMethod.Get, $"/api/v1/npcs/{npcId}")).Needs is var now && !now.Equals(from) ? now : null, "the needs to decay");

    private static double Score(Decision decision, Action action) => decision.Scores.Single(s => s.Action == action).Score;

    private static IEnumerable<string> Reasons(Decision decision, Action action) => decision.Scores.Single(s => s.Action == action).Reasons;

    private async Task<T> RedisAsync<T>(Func<IDatabase, Task<T>> read)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!);
        return await read(redis.GetDatabase());
    }
}

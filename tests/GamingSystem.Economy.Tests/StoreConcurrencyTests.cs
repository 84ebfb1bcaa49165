using GamingSystem.BodyBrokerIntegration;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.QuestSystem;

namespace GamingSystem.Economy.Tests;

/// <summary>The Lua scripts of both stores on a real redis-server, under concurrency: the invariants the services rely on.</summary>
public sealed class StoreConcurrencyTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Fifty_buyers_reserving_one_offer_at_once_leave_exactly_one_holder()
    {
        var store = new OfferStore(redis.Redis, TimeProvider.System);
        var offer = NewOffer("seller");
        await store.CreateAsync(offer);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => store.ReserveAsync(offer.Id, $"buyer-{i}", "k")));

        Assert.Single(outcomes, o => o.Outcome == "reserved_for_you");
        Assert.Equal(49, outcomes.Count(o => o.Outcome == "reserved"));
        var holder = $"buyer-{Array.FindIndex(outcomes, o => o.Outcome == "reserved_for_you")}";
        Assert.Equal("lost", await store.SellAsync(offer.Id, "buyer-x", "tx-x"));
        Assert.Equal("ok", await store.SellAsync(offer.Id, holder, "tx-1"));
        Assert.Equal((OfferStatus.Sold, holder), ((await store.FindAsync(offer.Id))!.Status, (await store.FindAsync(offer.Id))!.BuyerPlayerId));
        Assert.Equal(("bought", "tx-1"), ((await store.ReserveAsync(offer.Id, holder, "k")).Outcome, (await store.ReserveAsync(offer.Id, holder, "k")).TransactionId));
        Assert.Equal("sold", (await store.ReserveAsync(offer.Id, holder, "another-key")).Outcome);
    }

    [Fact]
    public async Task A_released_reservation_is_for_sale_again_and_only_its_holder_releases_it()
    {
        var store = new OfferStore(redis.Redis, TimeProvider.System);
        var offer = NewOffer("seller");
        await store.CreateAsync(offer);

        Assert.Equal("own", (await store.ReserveAsync(offer.Id, "seller", "k")).Outcome);
        Assert.Equal("reserved_for_you", (await store.ReserveAsync(offer.Id, "a", "k")).Outcome);
        Assert.Equal("reserved_for_you", (await store.ReserveAsync(offer.Id, "a", "k")).Outcome);
        Assert.Equal("reserved", await store.CancelAsync(offer.Id, "seller"));
        Assert.False(await store.ReleaseAsync(offer.Id, "b"));
        Assert.True(await store.ReleaseAsync(offer.Id, "a"));
        Assert.Equal("not_found", (await store.ReserveAsync(NewId(), "a", "k2")).Outcome);
        Assert.Equal("reserved_for_you", (await store.ReserveAsync(offer.Id, "b", "k")).Outcome);
        Assert.Equal("denied", await store.CancelAsync(offer.Id, "b"));
    }

    [Fact]
    public async Task A_key_used_for_one_offer_is_refused_for_another()
    {
        var store = new OfferStore(redis.Redis, TimeProvider.System);
        var (first, second) = (NewOffer("s"), NewOffer("s"));
        await store.CreateAsync(first);
        await store.CreateAsync(second);

        await store.ReserveAsync(first.Id, "buyer", "same-key");

        Assert.Equal("key_conflict", (await store.ReserveAsync(second.Id, "buyer", "same-key")).Outcome);
    }

    [Fact]
    public async Task Concurrent_progress_never_passes_what_an_objective_requires_and_completion_starts_once_all_are_done()
    {
        var store = new QuestStore(redis.Redis, TimeProvider.System);
        var quest = new Quest
        {
            Id = NewId(),
            PlayerId = "p1",
            RegionId = "ashford",
            Reward = new Reward { Amount = 10, Currency = "GLD" },
            Objectives =
            {
                new Objective { Id = "o1", Kind = ObjectiveKind.Collect, Target = "ore", Required = 7 },
                new Objective { Id = "o2", Kind = ObjectiveKind.Visit, Target = "tower", Required = 1 },
            },
        };
        Assert.Equal(quest.Id, await store.CreateAsync(quest, null));

        Assert.Equal("offered", await store.ProgressAsync(quest.Id, "p1", "o1", 1));
        Assert.Equal("ok", await store.TransitionAsync(quest.Id, "p1", "offered", "accepted", "accepted_at"));
        Assert.Equal("not_found", await store.ProgressAsync(quest.Id, "p2", "o1", 1));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => store.ProgressAsync(quest.Id, "p1", "o1", 1)));
        Assert.All(outcomes, o => Assert.Equal("ok", o));
        Assert.Equal(7, (await store.LoadAsync(quest.Id, "p1")).Objectives[0].Progress);
        Assert.Equal("incomplete", await store.BeginCompleteAsync(quest.Id, "p1"));
        Assert.Equal("no_objective", await store.ProgressAsync(quest.Id, "p1", "o3", 1));
        await store.ProgressAsync(quest.Id, "p1", "o2", 1);

        var starts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.BeginCompleteAsync(quest.Id, "p1")));

        Assert.All(starts, s => Assert.Equal("credit", s));
        Assert.Equal("completing", await store.TransitionAsync(quest.Id, "p1", "offered,accepted", "abandoned", "abandoned_at"));
        await store.EndCompleteAsync(quest.Id, "tx-1", 10);
        await store.EndCompleteAsync(quest.Id, "tx-2", 20);
        Assert.Equal(("tx-1", 10L), await store.CompletionAsync(quest.Id));
        Assert.Equal(QuestStatus.Completed, (await store.LoadAsync(quest.Id, "p1")).Status);
        Assert.Equal("completed", await store.BeginCompleteAsync(quest.Id, "p1"));
    }

    [Fact]
    public async Task Generating_twice_with_one_key_keeps_the_first_quest()
    {
        var store = new QuestStore(redis.Redis, TimeProvider.System);
        var (first, second) = (new Quest { Id = NewId(), PlayerId = "p9", RegionId = "ashford" }, new Quest { Id = NewId(), PlayerId = "p9", RegionId = "ashford" });

        Assert.Equal(first.Id, await store.CreateAsync(first, "key"));
        Assert.Equal(first.Id, await store.CreateAsync(second, "key"));
        Assert.Equal(first.Id, await store.GeneratedWithAsync("p9", "key"));
        Assert.Null(await store.GeneratedWithAsync("p9", "other"));
    }

    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private static Offer NewOffer(string seller) => new()
    {
        Id = NewId(),
        SellerPlayerId = seller,
        Body = new BodySpec { Species = "synth", Condition = 50 },
        Price = 10,
        Currency = "GLD",
    };
}

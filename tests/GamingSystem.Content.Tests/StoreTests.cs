using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.KnowledgeBase;
using GamingSystem.KnowledgeBase.Domain;
using GamingSystem.NpcBehavior;
using GamingSystem.NpcBehavior.Domain;
using GamingSystem.StoryTeller;
using Microsoft.Extensions.Options;

namespace GamingSystem.Content.Tests;

/// <summary>The three services' Redis stores against a real redis-server of their own.</summary>
public sealed class StoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task The_decay_clock_counts_each_game_hour_once_whatever_order_and_repeats_the_ticks_come_in()
    {
        var store = new NpcStore(redis.Redis);
        await redis.Redis.GetDatabase().KeyDeleteAsync(NpcStore.ClockKey);
        var npc = new Npc { Id = "npc-clock", Traits = new Traits(), Needs = new Needs { Hunger = 0.1 } };
        await store.PutAsync(npc);

        var added = new[]
        {
            await store.AdvanceAsync(100),
            await store.AdvanceAsync(100),
            await store.AdvanceAsync(103),
            await store.AdvanceAsync(101),
            await store.AdvanceAsync(103),
            await store.AdvanceAsync(100_000),
        };
        var read = await store.GetAsync("npc-clock");

        Assert.Equal([1L, 0, 3, 0, 0, NpcStore.MaxHoursPerTick], added);
        Assert.Equal(1.0, read!.Needs.Hunger);
        Assert.Null(await store.GetAsync("npc-none"));
    }

    [Fact]
    public async Task An_npc_stored_later_decays_only_from_then()
    {
        var store = new NpcStore(redis.Redis);
        await store.AdvanceAsync(5_000_000);
        await store.PutAsync(new Npc { Id = "npc-late", Traits = new Traits(), Needs = new Needs { Rest = 0.5 } });

        await store.AdvanceAsync(5_000_002);
        var read = await store.GetAsync("npc-late");

        Assert.Equal(0.5 + (2 * NeedsDecay.RestPerHour), read!.Needs.Rest, 6);
    }

    [Fact]
    public async Task Search_scores_are_bm25_over_the_whole_index_and_replace_and_delete_keep_the_statistics_true()
    {
        // The only test of the class that indexes: the fixture's Redis holds exactly these documents.
        var store = new KnowledgeStore(redis.Redis);
        await store.PutAsync("a", "Ferries", [], ["The ferry crosses the river."]);
        await store.PutAsync("b", "Bridges", ["stone"], ["A bridge crosses the river.", "The bridge is old and the ferry is older."]);
        // Replaced: its first version's postings and lengths must not linger.
        await store.PutAsync("c", "Markets", [], ["Ferry ferry ferry ferry."]);
        await store.PutAsync("c", "Markets", [], ["Markets sell ink."]);

        var found = await store.SearchAsync(["ferry"], 10, []);

        // Passages are indexed with their title: a = ferry, cross, river (+ "ferries" -> ferry) = 4 terms with tf 2;
        // b:1 = bridge, old, ferry, older (+ "bridges" -> bridge) = 5 terms with tf 1; b:0 and c:0 4 terms each; N = 4.
        var average = (4 + 4 + 5 + 4) / 4.0;
        Assert.Equal(["a:0", "b:1"], found.Select(p => $"{p.DocId}:{p.ChunkIndex}"));
        Assert.Equal(Math.Round(Bm25.TermScore(2, 2, 4, 4, average), 6), found[0].Score, 6);
        Assert.Equal(Math.Round(Bm25.TermScore(1, 2, 4, 5, average), 6), found[1].Score, 6);
        Assert.Equal(("Ferries", "The ferry crosses the river."), (found[0].Title, found[0].Text));

        Assert.Equal(["b"], (await store.SearchAsync(["ferry"], 10, ["stone"])).Select(p => p.DocId));
        Assert.Single(await store.SearchAsync(["ferry"], 1, []));

        Assert.True(await store.DeleteAsync("a"));
        Assert.False(await store.DeleteAsync("a"));
        var afterDelete = await store.SearchAsync(["ferry"], 10, []);
        Assert.Equal(Math.Round(Bm25.TermScore(1, 1, 3, 5, (4 + 5 + 4) / 3.0), 6), Assert.Single(afterDelete).Score, 6);
        Assert.False(await redis.Redis.GetDatabase().KeyExistsAsync("{knowledge-base}:chunk:a:0"));
    }

    [Fact]
    public async Task An_arc_takes_a_beat_only_on_the_count_it_was_planned_on()
    {
        var store = new ArcStore(redis.Redis, Options.Create(new StoryOptions()));
        var arc = new Arc { Id = "arc-store", PlayerId = "p", Theme = "t" };

        Assert.True(await store.CreateAsync(arc));
        Assert.False(await store.CreateAsync(arc));
        var next = arc.Clone();
        next.Beats.Add(new Beat { Index = 0, Text = "first" });
        Assert.True(await store.AppendAsync(next, 0));
        Assert.False(await store.AppendAsync(next, 0));
        Assert.Equal(next, await store.GetAsync("arc-store"));
        Assert.True(await redis.Redis.GetDatabase().KeyTimeToLiveAsync("{story-teller}:arc:arc-store") > TimeSpan.FromDays(29));
    }
}

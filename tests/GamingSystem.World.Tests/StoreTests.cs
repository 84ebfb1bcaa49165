using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.EnvironmentalNarrative;
using GamingSystem.TimeManager;
using GamingSystem.WeatherManager;
using GamingSystem.WorldState;
using Microsoft.Extensions.Options;

namespace GamingSystem.World.Tests;

/// <summary>The four services' Redis stores and their scripts against a real redis-server of their own.</summary>
public sealed class StoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Seeding_writes_only_regions_not_stored_and_an_update_lands_only_on_the_version_it_read()
    {
        var store = new RegionStore(redis.Redis);
        var first = await store.SeedAsync(SeedRegions.All);
        var quill = (await store.GetAsync("quill"))!;
        var changed = quill.Clone();
        changed.Danger = 7;
        changed.Version = 2;

        var written = await store.UpdateAsync(changed, readVersion: 1);
        var stale = await store.UpdateAsync(changed, readVersion: 1);
        var again = await store.SeedAsync(SeedRegions.All);
        var gone = await store.UpdateAsync(new Region { Id = "atlantis", Version = 2 }, 1);

        Assert.Equal(SeedRegions.All.Count, first.Count);
        Assert.Equal(new Written(true, 2), written);
        Assert.Equal(new Written(false, 2), stale);
        Assert.Empty(again);
        Assert.Null(gone);
        Assert.Equal(7, (await store.GetAsync("quill"))!.Danger);
        Assert.Equal(SeedRegions.All.Select(r => r.Id).Order(StringComparer.Ordinal), (await store.ListAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task A_move_lands_only_if_the_player_is_still_where_they_were_read_and_moves_are_numbered()
    {
        var store = new RegionStore(redis.Redis);
        var player = "player-" + Guid.NewGuid().ToString("N");

        var firstMove = await store.MoveAsync(new PlayerLocation { PlayerId = player, RegionId = "saltmoor" }, "");
        var raced = await store.MoveAsync(new PlayerLocation { PlayerId = player, RegionId = "quill" }, "");
        var secondMove = await store.MoveAsync(new PlayerLocation { PlayerId = player, RegionId = "sel-delta" }, "saltmoor");

        Assert.Equal(1, firstMove);
        Assert.Null(raced);
        Assert.Equal(2, secondMove);
        Assert.Equal("sel-delta", (await store.LocationAsync(player))!.RegionId);
        Assert.Null(await store.LocationAsync("player-nobody"));
    }

    [Fact]
    public async Task One_holder_at_a_time_has_the_ticker_lease_and_only_the_holder_records_a_ticked_hour()
    {
        await redis.Redis.GetDatabase().KeyDeleteAsync([ClockStore.ClockKey, ClockStore.LeaseKey]);
        var store = new ClockStore(redis.Redis, TimeProvider.System, Options.Create(new TimeOptions { LeaseDuration = TimeSpan.FromSeconds(30) }));
        var clock = await store.ReadAsync();

        var a = await store.HoldLeaseAsync("a");
        var b = await store.HoldLeaseAsync("b");
        var aAgain = await store.HoldLeaseAsync("a");
        var bTicks = await store.TickedAsync("b", 10);
        var aTicks = await store.TickedAsync("a", 10);
        var aOlder = await store.TickedAsync("a", 9);
        await store.ReleaseLeaseAsync("b");
        var stillA = await store.HoldLeaseAsync("a");
        await store.ReleaseLeaseAsync("a");
        var bNow = await store.HoldLeaseAsync("b");

        Assert.Equal((6 * 60.0, -1L, 1L, false), (clock.BaseMinutes, clock.LastTickHour, clock.Version, clock.Paused));
        Assert.Equal((true, false, true), (a, b, aAgain));
        Assert.Equal((false, true, true), (bTicks, aTicks, aOlder));
        Assert.Equal(10, (await store.ReadAsync()).LastTickHour);
        Assert.Equal((true, true), (stillA, bNow));
    }

    [Fact]
    public async Task A_clock_change_lands_only_on_the_version_it_read()
    {
        await redis.Redis.GetDatabase().KeyDeleteAsync(ClockStore.ClockKey);
        var store = new ClockStore(redis.Redis, TimeProvider.System, Options.Create(new TimeOptions { InitialScale = 2, StartMinutes = 100 }));
        var read = await store.ReadAsync();

        var written = await store.WriteAsync(read with { Scale = 5, Paused = true, BaseMinutes = 123.25 });
        var stale = await store.WriteAsync(read with { Scale = 9 });
        var now = await store.ReadAsync();

        Assert.Equal((100.0, 2.0), (read.BaseMinutes, read.Scale));
        Assert.Equal((true, false), (written, stale));
        Assert.Equal((5.0, true, 123.25, 2L), (now.Scale, now.Paused, now.BaseMinutes, now.Version));
    }

    [Fact]
    public async Task Weather_only_moves_forward_in_game_time()
    {
        var store = new WeatherStore(redis.Redis);
        var region = "region-" + Guid.NewGuid().ToString("N")[..8];

        var first = await store.AdvanceAsync(new Weather { RegionId = region, Condition = Condition.Rain, GameMinutes = 600 });
        var same = await store.AdvanceAsync(new Weather { RegionId = region, Condition = Condition.Clear, GameMinutes = 600 });
        var older = await store.AdvanceAsync(new Weather { RegionId = region, Condition = Condition.Clear, GameMinutes = 540 });
        var later = await store.AdvanceAsync(new Weather { RegionId = region, Condition = Condition.Storm, GameMinutes = 660 });

        Assert.Equal((true, false, false, true), (first, same, older, later));
        Assert.Equal(Condition.Storm, (await store.GetAsync(region))!.Condition);
    }

    [Fact]
    public async Task Narrative_snapshots_keep_the_newest_and_news_is_kept_newest_first_up_to_five()
    {
        var store = new NarrativeStore(redis.Redis);
        var region = "region-" + Guid.NewGuid().ToString("N")[..8];

        await store.RegionAsync(new Region { Id = region, Version = 3, Danger = 3 }, "the third");
        var older = await store.RegionAsync(new Region { Id = region, Version = 2, Danger = 2 }, "the second, late");
        await store.WeatherAsync(new Weather { RegionId = region, Condition = Condition.Fog, GameMinutes = 60 });
        for (var i = 1; i <= 6; i++)
        {
            await store.WeatherAsync(new Weather { RegionId = region, Condition = Condition.Rain, GameMinutes = 60 + (i * 60) }, $"news {i}");
        }

        var inputs = await store.InputsAsync(region);

        Assert.False(older);
        Assert.Equal(3, inputs.Region!.Danger);
        Assert.Equal(420, inputs.Weather!.GameMinutes);
        Assert.Equal(["news 6", "news 5", "news 4", "news 3", "news 2"], inputs.RecentEvents);
        Assert.Equal(7, inputs.EventsVersion);
    }
}

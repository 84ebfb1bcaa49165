using System.Diagnostics;
using System.Text;

namespace GamingSystem.StateManager.Tests;

/// <summary>
/// The store's compare-and-set, TTL and listing rules, run against a real redis-server: the Lua scripts are
/// what is under test, so nothing stands in for Redis.
/// </summary>
public sealed class StateStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly StateStore _store = new(redis.Redis);

    private static string NewKey(string name) => $"{name}/{Guid.NewGuid():N}";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task A_put_without_an_expected_version_writes_and_a_get_returns_value_and_version()
    {
        var key = NewKey("plain");

        var put = await _store.PutAsync(key, Bytes("one"), expectedVersion: null, ttlSeconds: 0);
        var got = await _store.GetAsync(key);

        Assert.True(put.Written);
        Assert.True(put.Version > 0);
        Assert.NotNull(got);
        Assert.Equal(key, got.Key);
        Assert.Equal("one", Encoding.UTF8.GetString(got.Value));
        Assert.Equal(put.Version, got.Version);
        Assert.Equal(0, got.TtlSeconds);
    }

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        Assert.Null(await _store.GetAsync(NewKey("missing")));
    }

    [Fact]
    public async Task Expected_version_zero_writes_only_a_key_that_does_not_exist()
    {
        var key = NewKey("create");

        var created = await _store.PutAsync(key, Bytes("one"), expectedVersion: 0, ttlSeconds: 0);
        var again = await _store.PutAsync(key, Bytes("two"), expectedVersion: 0, ttlSeconds: 0);

        Assert.True(created.Written);
        Assert.False(again.Written);
        Assert.Equal(created.Version, again.Version);
        Assert.Equal("one", Encoding.UTF8.GetString((await _store.GetAsync(key))!.Value));
    }

    [Fact]
    public async Task The_current_version_as_expected_writes_a_new_higher_version()
    {
        var key = NewKey("cas");
        var first = await _store.PutAsync(key, Bytes("one"), null, 0);

        var second = await _store.PutAsync(key, Bytes("two"), first.Version, 0);

        Assert.True(second.Written);
        Assert.True(second.Version > first.Version);
        var got = await _store.GetAsync(key);
        Assert.Equal("two", Encoding.UTF8.GetString(got!.Value));
        Assert.Equal(second.Version, got.Version);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task An_expected_version_behind_or_ahead_is_refused_with_the_current_one_and_nothing_changes(int offset)
    {
        var key = NewKey("stale");
        var first = await _store.PutAsync(key, Bytes("one"), null, 0);
        var second = await _store.PutAsync(key, Bytes("two"), first.Version, 0);

        var refused = await _store.PutAsync(key, Bytes("three"), second.Version + offset, 0);

        Assert.False(refused.Written);
        Assert.Equal(second.Version, refused.Version);
        var got = await _store.GetAsync(key);
        Assert.Equal("two", Encoding.UTF8.GetString(got!.Value));
        Assert.Equal(second.Version, got.Version);
    }

    [Fact]
    public async Task An_expected_version_on_a_missing_key_is_refused_with_version_zero()
    {
        var key = NewKey("absent");

        var refused = await _store.PutAsync(key, Bytes("one"), expectedVersion: 3, ttlSeconds: 0);

        Assert.False(refused.Written);
        Assert.Equal(0, refused.Version);
        Assert.Null(await _store.GetAsync(key));
    }

    [Fact]
    public async Task A_ttl_is_kept_in_whole_seconds_and_reported_rounded_up()
    {
        var key = NewKey("ttl");

        await _store.PutAsync(key, Bytes("one"), null, ttlSeconds: 60);
        var got = await _store.GetAsync(key);

        // 60 s in milliseconds to Redis, just under 60 s left when read back: reported as 60, not 59.
        Assert.Equal(60, got!.TtlSeconds);
        var pttl = await redis.Redis.GetDatabase().KeyTimeToLiveAsync($"{{state-manager}}:data:{key}");
        Assert.InRange(pttl!.Value, TimeSpan.FromSeconds(58), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_put_without_a_ttl_clears_the_ttl_of_the_value_it_replaces()
    {
        var key = NewKey("persist");
        var first = await _store.PutAsync(key, Bytes("one"), null, ttlSeconds: 60);

        await _store.PutAsync(key, Bytes("two"), first.Version, ttlSeconds: 0);

        Assert.Equal(0, (await _store.GetAsync(key))!.TtlSeconds);
        Assert.Null(await redis.Redis.GetDatabase().KeyTimeToLiveAsync($"{{state-manager}}:data:{key}"));
    }

    [Fact]
    public async Task A_value_is_gone_once_its_ttl_passes()
    {
        var key = NewKey("expires");
        // Started before the put, so that however late this host runs, the value cannot look gone too soon.
        var watch = Stopwatch.StartNew();
        await _store.PutAsync(key, Bytes("one"), null, ttlSeconds: 1);

        while (await _store.GetAsync(key) is not null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the value outlived its 1 s TTL by 4 s");
            await Task.Delay(50);
        }

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"a 1 s TTL ended after {watch.Elapsed}");
    }

    [Fact]
    public async Task Versions_are_never_reused_after_a_delete()
    {
        var key = NewKey("reuse");
        var first = await _store.PutAsync(key, Bytes("one"), null, 0);
        await _store.DeleteAsync(key, first.Version);

        var again = await _store.PutAsync(key, Bytes("two"), expectedVersion: 0, ttlSeconds: 0);

        Assert.True(again.Written);
        Assert.True(again.Version > first.Version);
    }

    [Fact]
    public async Task A_delete_with_the_current_version_deletes_and_reports_it()
    {
        var key = NewKey("delete");
        var put = await _store.PutAsync(key, Bytes("one"), null, 0);

        var deleted = await _store.DeleteAsync(key, put.Version);

        Assert.Equal(new DeleteResult(DeleteOutcome.Deleted, put.Version), deleted);
        Assert.Null(await _store.GetAsync(key));
    }

    [Fact]
    public async Task A_delete_without_an_expected_version_deletes_whatever_is_there()
    {
        var key = NewKey("delete-any");
        var put = await _store.PutAsync(key, Bytes("one"), null, 0);

        Assert.Equal(new DeleteResult(DeleteOutcome.Deleted, put.Version), await _store.DeleteAsync(key, null));
        Assert.Null(await _store.GetAsync(key));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task A_delete_with_another_version_is_refused_with_the_current_one(int offset)
    {
        var key = NewKey("delete-stale");
        var put = await _store.PutAsync(key, Bytes("one"), null, 0);

        var refused = await _store.DeleteAsync(key, put.Version + offset);

        Assert.Equal(new DeleteResult(DeleteOutcome.VersionMismatch, put.Version), refused);
        Assert.NotNull(await _store.GetAsync(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    public async Task A_delete_of_a_missing_key_is_not_found(long? expected)
    {
        Assert.Equal(new DeleteResult(DeleteOutcome.NotFound, 0), await _store.DeleteAsync(NewKey("gone"), expected));
    }

    [Fact]
    public async Task A_delete_of_a_missing_key_expecting_a_version_is_a_mismatch_at_zero()
    {
        Assert.Equal(new DeleteResult(DeleteOutcome.VersionMismatch, 0), await _store.DeleteAsync(NewKey("gone"), 4));
    }

    [Fact]
    public async Task Listing_pages_in_key_order_within_the_prefix()
    {
        var prefix = NewKey("list") + "/";
        foreach (var name in new[] { "c", "a", "b", "d", "e" })
        {
            await _store.PutAsync(prefix + name, Bytes(name), null, 0);
        }

        await _store.PutAsync(prefix.TrimEnd('/') + "-other", Bytes("outside"), null, 0);

        var (first, next) = await _store.ListAsync(prefix, after: null, pageSize: 2);
        var (second, next2) = await _store.ListAsync(prefix, next, 2);
        var (third, last) = await _store.ListAsync(prefix, next2, 2);

        Assert.Equal([prefix + "a", prefix + "b"], first.Select(e => e.Key));
        Assert.Equal(prefix + "b", next);
        Assert.Equal([prefix + "c", prefix + "d"], second.Select(e => e.Key));
        Assert.Equal([prefix + "e"], third.Select(e => e.Key));
        Assert.Null(last);
        Assert.Equal("a", Encoding.UTF8.GetString(first[0].Value));
        Assert.True(first[0].Version > 0);
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_last_key_has_no_next_page()
    {
        var prefix = NewKey("exact") + "/";
        await _store.PutAsync(prefix + "a", Bytes("a"), null, 0);
        await _store.PutAsync(prefix + "b", Bytes("b"), null, 0);

        var (entries, next) = await _store.ListAsync(prefix, null, 2);

        Assert.Equal(2, entries.Count);
        Assert.Null(next);
    }

    [Fact]
    public async Task Listing_skips_deleted_and_expired_keys_and_still_fills_the_page()
    {
        var prefix = NewKey("expired") + "/";
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            await _store.PutAsync(prefix + name, Bytes(name), null, 0);
        }

        // Expire "b" and "c" under the index's feet, as a TTL would.
        var db = redis.Redis.GetDatabase();
        await db.KeyDeleteAsync($"{{state-manager}}:data:{prefix}b");
        await db.KeyDeleteAsync($"{{state-manager}}:data:{prefix}c");

        var (entries, next) = await _store.ListAsync(prefix, null, 2);
        var (rest, last) = await _store.ListAsync(prefix, next, 10);

        Assert.Equal([prefix + "a", prefix + "d"], entries.Select(e => e.Key));
        Assert.Equal([prefix + "e"], rest.Select(e => e.Key));
        Assert.Null(last);
        Assert.False(await db.SortedSetScoreAsync("{state-manager}:index", prefix + "b") is not null, "the index still lists an expired key");
    }

    [Fact]
    public async Task A_key_equal_to_the_prefix_is_listed_first()
    {
        var prefix = NewKey("self");
        await _store.PutAsync(prefix, Bytes("self"), null, 0);
        await _store.PutAsync(prefix + "/child", Bytes("child"), null, 0);

        var (entries, _) = await _store.ListAsync(prefix, null, 10);

        Assert.Equal([prefix, prefix + "/child"], entries.Select(e => e.Key));
    }

    [Fact]
    public async Task Data_index_and_version_counter_live_under_one_hash_tag_with_stable_names()
    {
        // Redis Cluster runs a script only if all its keys hash to one slot ({state-manager}), and data written by
        // an earlier release must still be found: the names are part of the stored format.
        var key = NewKey("layout");
        var put = await _store.PutAsync(key, Bytes("one"), null, 0);
        var db = redis.Redis.GetDatabase();

        Assert.Equal("one", (string?)await db.HashGetAsync($"{{state-manager}}:data:{key}", "value"));
        Assert.NotNull(await db.SortedSetScoreAsync("{state-manager}:index", key));
        Assert.True((long)await db.StringGetAsync("{state-manager}:version") >= put.Version);
    }

    [Fact]
    public async Task An_empty_prefix_lists_from_the_first_key()
    {
        var key = "\u0001" + Guid.NewGuid().ToString("N");
        await _store.PutAsync(key, Bytes("first"), null, 0);

        var (entries, _) = await _store.ListAsync(string.Empty, null, 1);

        Assert.Equal(key, Assert.Single(entries).Key);
        await _store.DeleteAsync(key, null);
    }
}

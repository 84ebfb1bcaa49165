using Aspire.Hosting.Security;
using GamingSystem.Testing;
using StackExchange.Redis;

namespace GamingSystem.Hosting.Tests;

/// <summary>
/// A service's generated Redis user against a real three-primary Redis Cluster, reached through one node that does
/// not hold the service's slot (as a cluster's configuration endpoint would be): the client must learn the layout,
/// and the user may still touch its own keys only.
/// </summary>
public sealed class RedisClusterAclTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task A_services_user_runs_its_multi_key_scripts_on_a_three_primary_cluster_and_nothing_outside_its_keys()
    {
        var user = new RedisUser("settings", $"pw-{Guid.NewGuid():N}", RedisUser.KeyPatternOf("settings"));
        await cluster.SetUserEverywhereAsync(RedisServerBuilderExtensions.AclRule(user)["user ".Length..]);
        var owner = await cluster.PortServingAsync("{settings}:a");
        var entry = cluster.Ports.First(port => port != owner);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(user.ConnectionString([$"127.0.0.1:{entry}"], tls: false) + ",abortConnect=false,connectTimeout=3000");
        // The client learns the layout from the node it reached, and connects to the other two.
        var learning = System.Diagnostics.Stopwatch.StartNew();
        while (redis.GetServers().Count(server => server.IsConnected) < 3 && learning.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        Assert.Equal(cluster.Ports.Order(), redis.GetServers().Where(s => s.IsConnected).Select(s => ((System.Net.IPEndPoint)s.EndPoint).Port).Order());
        var db = redis.GetDatabase();
        var written = await db.ScriptEvaluateAsync(
            "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return redis.call('GET', KEYS[1])",
            ["{settings}:a", "{settings}:b"],
            ["both"]);

        Assert.Equal("both", (string?)written);
        Assert.Equal("both", (string?)await db.StringGetAsync("{settings}:b"));
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => db.StringSetAsync("{auth}:x", "not mine"));
        Assert.Contains("NOPERM", refused.Message, StringComparison.Ordinal);
    }
}

using Aspire.Hosting.Security;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Hosting.Tests;

/// <summary>
/// What <c>WithCluster</c> writes for each node: the nodes find each other, each keeps its own data, and all of them
/// know every project's user, so a service may be served by any node. ClusterTests runs the result.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterConfigurationTests : IDisposable
{
    private readonly RunFiles _files = new(new ServerFilesTests.StoppableLifetime());

    [Fact]
    public async Task Each_nats_node_routes_to_the_two_others_with_the_same_users_and_a_store_of_its_own()
    {
        var builder = DistributedApplication.CreateBuilder();
        var nats = builder.AddNats("nats").WithJetStream().WithCluster(nodes: 3);
        nats.Resource.Users.Add(new NatsUser("payment", "pw-payment", BusPermissions.For("payment", [], publiclyExposed: false, ownsEventStreams: false)));
        var nodes = builder.Resources.OfType<NatsServerResource>().ToList();

        var configs = new List<string>();
        foreach (var node in nodes)
        {
            await NatsServerBuilderExtensions.WriteConfigurationAsync(node, _files, CancellationToken.None);
            configs.Add(File.ReadAllText(NatsServerBuilderExtensions.ConfigurationPath(node, _files)));
        }

        Assert.Equal(["nats", "nats-2", "nats-3"], nodes.Select(n => n.Name));
        Assert.Equal(3, nodes.Select(n => n.RoutePort).Distinct().Count());
        for (var i = 0; i < nodes.Count; i++)
        {
            Assert.Contains($"server_name: \"{nodes[i].Name}\"", configs[i]);
            Assert.Contains($"listen: \"127.0.0.1:{nodes[i].RoutePort}\"", configs[i]);
            Assert.DoesNotContain($"@127.0.0.1:{nodes[i].RoutePort}\"", configs[i]);
            Assert.All(nodes.Where(other => other != nodes[i]), other => Assert.Contains($"@127.0.0.1:{other.RoutePort}\"", configs[i]));
            Assert.Contains("user: \"payment\", password: \"pw-payment\"", configs[i]);
            Assert.Contains($"store_dir: \"{_files.DirectoryFor(nodes[i].Name, "jetstream")}\"", configs[i]);
        }
    }

    [Fact]
    public async Task Each_redis_node_is_a_cluster_node_with_its_own_bus_port_and_data_and_the_same_acl()
    {
        var builder = DistributedApplication.CreateBuilder();
        var redis = builder.AddRedis("redis").WithCluster(nodes: 3);
        redis.Resource.Users.Add(new RedisUser("payment", "pw-payment", RedisUser.KeyPatternOf("payment")));
        var nodes = builder.Resources.OfType<RedisServerResource>().ToList();

        var configs = new List<string>();
        foreach (var node in nodes)
        {
            await RedisServerBuilderExtensions.WriteConfigurationAsync(node, _files, CancellationToken.None);
            configs.Add(File.ReadAllText(RedisServerBuilderExtensions.ConfigurationPath(node, _files)));
        }

        Assert.Equal(["redis", "redis-2", "redis-3"], nodes.Select(n => n.Name));
        Assert.Equal(3, nodes.Select(n => n.BusPort).Distinct().Count());
        for (var i = 0; i < nodes.Count; i++)
        {
            var data = _files.DirectoryFor(nodes[i].Name, "data");
            Assert.Contains("cluster-enabled yes", configs[i]);
            Assert.Contains($"cluster-port {nodes[i].BusPort}", configs[i]);
            Assert.Contains($"cluster-config-file \"{Path.Combine(data, "nodes.conf")}\"", configs[i]);
            Assert.Contains($"dir \"{data}\"", configs[i]);
            // Without this, one node down would stop every node from serving any key.
            Assert.Contains("cluster-require-full-coverage no", configs[i]);
            Assert.Contains("user payment on >pw-payment resetchannels ~{payment}:*", configs[i]);
        }
    }

    [Fact]
    public void A_single_server_is_not_a_cluster()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddRedis("redis");
        builder.AddNats("nats");

        Assert.Single(builder.Resources.OfType<RedisServerResource>());
        Assert.Single(builder.Resources.OfType<NatsServerResource>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_nats_cluster_has_an_odd_number_of_nodes_from_three(int nodes)
    {
        var builder = DistributedApplication.CreateBuilder();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddNats("nats").WithCluster(nodes));

        Assert.Contains("odd number of nodes", error.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void The_hash_slots_are_split_into_contiguous_shares_that_cover_all_of_them_once(int count)
    {
        var shares = Enumerable.Range(0, count).Select(i => RedisClusterFormation.Share(i, count)).ToList();

        Assert.Equal(0, shares[0].First);
        Assert.Equal(16383, shares[^1].Last);
        Assert.All(shares.Zip(shares.Skip(1)), pair => Assert.Equal(pair.First.Last + 1, pair.Second.First));
        Assert.True(shares.Max(s => s.Last - s.First) - shares.Min(s => s.Last - s.First) <= 1, "the shares are even");
    }

    public void Dispose() => _files.Dispose();
}

using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Aspire.Hosting;

/// <summary>
/// The health check of a Redis Cluster's first node, which also forms the cluster: the first time it finds the
/// nodes apart, it has each one take its share of the hash slots and the first node meet the others. Healthy once
/// every node reports <c>cluster_state:ok</c> and knows all the others. Forming is idempotent, so a check that runs
/// again while gossip spreads, or after a node came back with its cluster file, changes nothing.
/// </summary>
internal sealed class RedisClusterFormation(RedisServerResource primary) : IHealthCheck, IDisposable
{
    private const int SlotCount = 16384;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    /// <summary>The app's services, for the run's CA with TLS; set once the cluster's address is known.</summary>
    public IServiceProvider? Services { get; set; }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var nodes = primary.ClusterNodes;
            var servers = new List<IServer>();
            foreach (var node in nodes)
            {
                // As the connection string names it, so the connection knows the endpoint before the cluster is formed.
                var address = await node.PrimaryEndpoint.Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken).ConfigureAwait(false);
                servers.Add(connection.GetServer(address!));
            }

            var states = new List<string>();
            for (var i = 0; i < servers.Count; i++)
            {
                var info = (string?)await servers[i].ExecuteAsync("CLUSTER", "INFO").ConfigureAwait(false) ?? "";
                if (info.Contains("cluster_state:ok", StringComparison.Ordinal) && info.Contains($"cluster_known_nodes:{nodes.Count}\r", StringComparison.Ordinal))
                {
                    continue;
                }

                states.Add($"{nodes[i].Name}: {Field(info, "cluster_state")}, {Field(info, "cluster_known_nodes")} nodes known, {Field(info, "cluster_slots_assigned")} slots assigned");
                await FormAsync(servers, i, info).ConfigureAwait(false);
            }

            return states.Count == 0
                ? HealthCheckResult.Healthy($"{nodes.Count} primaries serve all {SlotCount} slots")
                : HealthCheckResult.Unhealthy($"the cluster is forming: {string.Join("; ", states)}");
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Unhealthy("a cluster node does not answer", exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Node <paramref name="index"/> takes its share of the slots if it has none yet; the first node meets it.</summary>
    private async Task FormAsync(List<IServer> servers, int index, string info)
    {
        if (Field(info, "cluster_slots_assigned") == "0" || !await ServesSlotsAsync(servers[index]).ConfigureAwait(false))
        {
            var (first, last) = Share(index, servers.Count);
            try
            {
                await servers[index].ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", first, last).ConfigureAwait(false);
            }
            catch (RedisServerException exception) when (exception.Message.Contains("busy", StringComparison.OrdinalIgnoreCase))
            {
                // Another node holds them: this one was already part of the cluster and gossip says so.
            }
        }

        if (index > 0)
        {
            var node = primary.ClusterNodes[index];
            var port = await node.PrimaryEndpoint.Property(EndpointProperty.Port).GetValueAsync().ConfigureAwait(false);
            await servers[0].ExecuteAsync("CLUSTER", "MEET", "127.0.0.1", port!, node.BusPort).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ServesSlotsAsync(IServer server)
    {
        var nodes = (string?)await server.ExecuteAsync("CLUSTER", "NODES").ConfigureAwait(false) ?? "";
        var myself = nodes.Split('\n').FirstOrDefault(line => line.Contains("myself", StringComparison.Ordinal)) ?? "";
        // <id> <address> <flags> <primary> <ping> <pong> <epoch> <link> [slot ranges...]
        return myself.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 8;
    }

    /// <summary>The slots node <paramref name="index"/> of <paramref name="count"/> serves: an even split, in order.</summary>
    internal static (int First, int Last) Share(int index, int count) =>
        (SlotCount * index / count, (SlotCount * (index + 1) / count) - 1);

    private static string Field(string info, string name)
    {
        var start = info.IndexOf(name + ":", StringComparison.Ordinal);
        return start < 0 ? "?" : info[(start + name.Length + 1)..].Split('\r', '\n')[0];
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(await primary.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "");
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        options.ConnectTimeout = 2000;
        if (primary.TlsEnabled && Services is { } services)
        {
            options.TrustIssuer(Security.DevelopmentCertificates.For(services.GetRequiredService<RunFiles>()).CaFile);
        }

        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _gate.Dispose();
    }
}

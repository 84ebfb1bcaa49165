using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace GamingSystem.Testing;

/// <summary>
/// A real three-primary Redis Cluster on loopback (no replicas): three redis-servers with cluster support, the hash
/// slots split in three, joined with CLUSTER MEET, started once for the tests of a class. The operator is the
/// default user; tests add the users they check on every node with <see cref="SetUserEverywhereAsync"/>.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    /// <summary>The hash slots each node serves, in the order of <see cref="Ports"/>.</summary>
    private static readonly (int First, int Last)[] Slots = [(0, 5460), (5461, 10922), (10923, 16383)];

    private readonly List<(Process Process, DirectoryInfo Directory, int Port)> _nodes = [];

    public IReadOnlyList<int> Ports => [.. _nodes.Select(n => n.Port)];

    public async Task InitializeAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: sudo apt-get install redis-server");
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(Start(executable));
        }

        for (var i = 0; i < 3; i++)
        {
            await using var node = await ConnectAsync(_nodes[i].Port);
            var server = node.GetServer(IPAddress.Loopback, _nodes[i].Port);
            await server.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", Slots[i].First, Slots[i].Last);
            foreach (var other in _nodes.Where(n => n.Port != _nodes[i].Port))
            {
                await server.ExecuteAsync("CLUSTER", "MEET", "127.0.0.1", other.Port);
            }
        }

        // Gossip takes a moment: every node must see all slots served before a test may rely on routing.
        var deadline = Stopwatch.StartNew();
        foreach (var (_, _, port) in _nodes)
        {
            await using var node = await ConnectAsync(port);
            while (!((string?)await node.GetServer(IPAddress.Loopback, port).ExecuteAsync("CLUSTER", "INFO"))!.Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(20))
                {
                    throw new TimeoutException($"the Redis Cluster on ports {string.Join(", ", Ports)} did not reach cluster_state:ok");
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>Runs <c>ACL SETUSER</c> with <paramref name="rule"/> (an ACL file line without <c>user</c>) on every node.</summary>
    public async Task SetUserEverywhereAsync(string rule)
    {
        var words = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (_, _, port) in _nodes)
        {
            await using var node = await ConnectAsync(port);
            await node.GetServer(IPAddress.Loopback, port).ExecuteAsync("ACL", ["SETUSER", .. words]);
        }
    }

    /// <summary>The port of the node that serves <paramref name="key"/>'s hash slot (asked of the cluster itself).</summary>
    public async Task<int> PortServingAsync(string key)
    {
        await using var node = await ConnectAsync(_nodes[0].Port);
        var slot = (int)await node.GetServer(IPAddress.Loopback, _nodes[0].Port).ExecuteAsync("CLUSTER", "KEYSLOT", key);
        return _nodes[Array.FindIndex(Slots, s => s.First <= slot && slot <= s.Last)].Port;
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, directory, _) in _nodes)
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
            process.Dispose();
            directory.Delete(recursive: true);
        }
    }

    private static (Process, DirectoryInfo, int) Start(string executable)
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("gaming-redis-cluster-test-");
        // Through a shell that holds the server only while this process holds the shell's stdin (see RedisServerFixture).
        var process = Process.Start(new ProcessStartInfo("sh")
        {
            ArgumentList =
            {
                "-c", "\"$0\" \"$@\" & server=$!; read -r _; kill $server; wait $server",
                executable,
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", directory.FullName,
                "--save", string.Empty,
                "--appendonly", "no",
                "--cluster-enabled", "yes",
                "--cluster-config-file", Path.Combine(directory.FullName, "nodes.conf"),
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, directory, port);
    }

    /// <summary>The operator's connection to one node only, as a standalone server.</summary>
    private static async Task<ConnectionMultiplexer> ConnectAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
                {
                    EndPoints = { { IPAddress.Loopback, port } },
                    AbortOnConnectFail = true,
                    ConnectTimeout = 1000,
                    AllowAdmin = true,
                    Proxy = Proxy.None,
                });
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;
using NATS.Client.JetStream;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The system on the engines of production (<c>--Cluster true</c>): NATS as three routed nodes with every stream on
/// all three, Redis as a three-primary Redis Cluster. The services run unchanged; a node of either dies and the system
/// carries on.
/// </summary>
[Collection(ClusterSystemCollection.Name)]
public sealed class ClusterTests(ClusterSystemFixture system, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] NatsNodes = [ResourceNames.Nats, $"{ResourceNames.Nats}-2", $"{ResourceNames.Nats}-3"];
    private static readonly string[] RedisNodes = [ResourceNames.Redis, $"{ResourceNames.Redis}-2", $"{ResourceNames.Redis}-3"];
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);

    private readonly StateApi _api = new(system.Gateway);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Every_event_stream_is_stored_on_all_three_nats_nodes()
    {
        var js = _bus.Get<INatsJSContext>();
        foreach (var contract in EventContracts.Streams)
        {
            var stream = await js.GetStreamAsync(contract.Name);

            Assert.Equal(3, stream.Info.Config.NumReplicas);
            Assert.Equal(3, 1 + stream.Info.Cluster!.Replicas!.Count);
            Assert.Contains(stream.Info.Cluster.Leader, NatsNodes);
        }
    }

    [Fact]
    public async Task The_services_keys_are_spread_over_the_three_redis_primaries()
    {
        var key = $"test/cluster/{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await _api.PutAsync(key, "in a cluster")).Status);
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!);

        var primaries = redis.GetServers()[0].ClusterConfiguration!.Nodes.Where(node => !node.IsReplica).ToList();
        var owners = new[] { "auth", "state-manager", "payment", "world-state", "quest-system", "capability-registry" }
            .Select(service => Port(redis.GetServer((RedisKey)$"{{{service}}}:any").EndPoint))
            .ToHashSet();

        Assert.Equal(3, primaries.Count);
        Assert.All(primaries, primary => Assert.NotEmpty(primary.Slots));
        Assert.True(owners.Count > 1, $"every service's keys are on {string.Join(", ", owners)}");
        Assert.Equal("in a cluster", StateApi.Value((await _api.GetAsync(key)).Body));
    }

    [Fact]
    public async Task A_killed_nats_node_fails_no_request_but_those_in_flight_and_rejoins_with_every_stream_current()
    {
        var victim = await NodeServingGatewayAsync();
        var load = new Load(_api, _bus);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var killedAt = Stopwatch.StartNew();
        var before = Restarts(victim);
        Kill(victim);
        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        await system.App.ResourceNotifications.WaitForResourceAsync(victim,
            e => Restarts(e.Snapshot) > before && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, timeout.Token);
        var rejoined = killedAt.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await running.WaitAsync(RecoveryDeadline);

        output.WriteLine($"killed {victim} (the gateway's node); back in {rejoined.TotalSeconds:F1} s; {load.Summary}");
        Assert.True(load.Succeeded > 50, load.Summary);
        // A call whose request or reply was on the dead node's connections at that moment times out (one per load
        // worker at most); every other call is served by the other nodes, or retried until an instance has moved.
        Assert.True(load.Failures.Count <= 2, load.Summary);
        await load.VerifyAsync();
        await EveryStreamCurrentAsync(timeout.Token);
    }

    [Fact]
    public async Task A_killed_redis_primary_is_back_with_every_acknowledged_write()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!);
        // The primary that holds state-manager's keys, so the load's writes are the ones that must survive.
        var port = Port(redis.GetServer((RedisKey)$"{{{ResourceNames.StateManager}}}:any").EndPoint);
        var victim = RedisNodes.Single(node => system.App.GetEndpoint(node, "tcp").Port == port);
        var load = new Load(_api, _bus);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var before = Restarts(victim);
        var killedAt = DateTimeOffset.UtcNow;
        Kill(victim);
        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        try
        {
            await system.App.ResourceNotifications.WaitForResourceAsync(victim,
                e => Restarts(e.Snapshot) > before && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, timeout.Token);
            output.WriteLine($"{victim} back and healthy after {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:F1} s");
            await load.WaitForSuccessAfterAsync(DateTimeOffset.UtcNow, timeout.Token);
            await stop.CancelAsync();
            await running.WaitAsync(RecoveryDeadline);
        }
        finally
        {
            output.WriteLine($"killed {victim} (state-manager's primary); {load.Summary}");
        }

        var recovered = load.FirstSuccessAfter(killedAt) - killedAt;
        output.WriteLine($"calls succeeded again {recovered.TotalSeconds:F1} s after the kill");
        await load.VerifyAsync();
        await EveryStreamCurrentAsync(timeout.Token);
    }

    private static int Port(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => throw new InvalidOperationException($"unexpected endpoint {endPoint}"),
    };

    private async Task<string> NodeServingGatewayAsync()
    {
        using var http = new HttpClient();
        foreach (var node in NatsNodes)
        {
            var connections = await http.GetFromJsonAsync<JsonObject>(new Uri(system.App.GetEndpoint(node, "monitoring"), "/connz?auth=true&limit=1024"));
            if (connections!["connections"]!.AsArray().Any(c => c?["authorized_user"]?.GetValue<string>() == ResourceNames.Gateway))
            {
                return node;
            }
        }

        throw new InvalidOperationException("the gateway is connected to no NATS node");
    }

    /// <summary>Each stream has a leader and both its replicas caught up: the killed node has all it missed.</summary>
    private async Task EveryStreamCurrentAsync(CancellationToken cancellationToken)
    {
        var js = _bus.Get<INatsJSContext>();
        foreach (var contract in EventContracts.Streams)
        {
            while (true)
            {
                var stream = await js.GetStreamAsync(contract.Name, cancellationToken: cancellationToken);
                if (stream.Info.Cluster?.Leader is not null && stream.Info.Cluster.Replicas?.Count == 2 && stream.Info.Cluster.Replicas.All(r => r.Current))
                {
                    break;
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private void Kill(string resource)
    {
        system.App.ResourceNotifications.TryGetCurrentState(resource, out var current);
        using var process = Process.GetProcessById(Convert.ToInt32(
            current!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture));
        process.Kill();
        process.WaitForExit();
    }

    private int Restarts(string resource) =>
        system.App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? Restarts(current.Snapshot) : 0;

    private static int Restarts(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int restarts ? restarts : 0;

    /// <summary>
    /// Steady writes, as a game's back end makes them: a compare-and-set chain on one state key through the gateway
    /// (each write names the version it read), and credits of one coin each with a new idempotency key, retried with
    /// the same key until acknowledged. What was acknowledged is what <see cref="VerifyAsync"/> must find.
    /// </summary>
    private sealed class Load(StateApi api, BusClient bus)
    {
        private readonly string _key = $"test/cluster-load/{Guid.NewGuid():N}";
        private readonly string _player = Guid.NewGuid().ToString("N");
        private readonly List<(DateTimeOffset At, bool Ok)> _outcomes = [];
        private readonly CancellationTokenSource _giveUp = new(TimeSpan.FromMinutes(2));
        private long _version;
        private long _credited;

        public List<string> Failures { get; } = [];

        public int Succeeded { get { lock (_outcomes) { return _outcomes.Count(o => o.Ok); } } }

        public string Summary { get { lock (_outcomes) { return $"{_outcomes.Count(o => o.Ok)} calls acknowledged, {_outcomes.Count(o => !o.Ok)} failed, version {_version}, {_credited} credited{string.Concat(Failures.Take(3).Concat(Failures.Skip(3).TakeLast(3)).Select(f => "\n  " + f))}"; } } }

        public async Task RunAsync(CancellationToken stop)
        {
            await Payment<Wallet>("OpenWallet", new OpenWalletRequest { Currency = "GLD" }, asPlayer: true);
            await Task.WhenAll(WriteStateAsync(stop), CreditAsync(stop));
        }

        private async Task WriteStateAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, body) = await api.PutAsync(_key, $"write {_version + 1}", expectedVersion: _version);
                Record(status == HttpStatusCode.OK, $"PUT version {_version + 1}: {(int)status} {body.ToJsonString()}");
                if (status == HttpStatusCode.OK)
                {
                    _version = StateApi.Long(body["version"]);
                }
                else if (status == HttpStatusCode.Conflict)
                {
                    // The write landed but its answer was lost: the stored version says so.
                    _version = StateApi.Long((await StoredAsync()).Body["version"]);
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }

        /// <summary>The key as stored, asked again until state-manager answers.</summary>
        private async Task<(HttpStatusCode Status, JsonObject Body)> StoredAsync()
        {
            while (true)
            {
                _giveUp.Token.ThrowIfCancellationRequested();
                var read = await api.GetAsync(_key);
                Record(read.Status == HttpStatusCode.OK, $"GET: {(int)read.Status} {read.Body.ToJsonString()}");
                if (read.Status == HttpStatusCode.OK)
                {
                    return read;
                }

                await Task.Delay(100);
            }
        }

        private async Task CreditAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var idempotencyKey = Guid.NewGuid().ToString("N");
                // A credit begun is retried with its key until acknowledged, or until the test gives up on the system.
                while (!_giveUp.IsCancellationRequested)
                {
                    try
                    {
                        await Payment<TransactionResult>("Credit", new CreditRequest { PlayerId = _player, Amount = 1, IdempotencyKey = idempotencyKey, Reason = "cluster test" });
                        Record(ok: true, "");
                        _credited++;
                        break;
                    }
                    catch (ServiceException exception)
                    {
                        Record(ok: false, $"Credit {idempotencyKey}: {exception.Code} {exception.Message}");
                        await Task.Delay(100, CancellationToken.None);
                    }
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }

        private void Record(bool ok, string failure)
        {
            lock (_outcomes)
            {
                _outcomes.Add((DateTimeOffset.UtcNow, ok));
                if (!ok)
                {
                    Failures.Add(failure);
                }
            }
        }

        public DateTimeOffset FirstSuccessAfter(DateTimeOffset moment)
        {
            lock (_outcomes)
            {
                return _outcomes.Where(o => o.Ok && o.At > moment).Select(o => o.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            }
        }

        public async Task WaitForSuccessAfterAsync(DateTimeOffset moment, CancellationToken cancellationToken)
        {
            while (FirstSuccessAfter(moment) == DateTimeOffset.MaxValue)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        /// <summary>The last acknowledged version is stored, and the wallet holds exactly the acknowledged credits.</summary>
        public async Task VerifyAsync()
        {
            var (status, body) = await StoredAsync();
            var wallet = await Payment<Wallet>("GetBalance", new GetBalanceRequest(), asPlayer: true);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(_version, StateApi.Long(body["version"]));
            Assert.Equal($"write {_version}", StateApi.Value(body));
            Assert.Equal(_credited, wallet.Balance);
        }

        /// <summary>A payment call as a service makes it (credits), or for the player (their own wallet).</summary>
        private Task<T> Payment<T>(string method, Google.Protobuf.IMessage request, bool asPlayer = false)
            where T : Google.Protobuf.IMessage =>
            bus.Services.RequestAsync<T>(ContractRegistry.Payment.FindMethodByName(method), request,
                new CallOptions { PlayerId = asPlayer ? _player : null, Timeout = TimeSpan.FromSeconds(10) });
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace GamingSystem.Chaos.Load;

/// <summary>
/// The players, their wallets (funded by onboarding), their live feeds, and the load they drive: started before
/// the first fault, stopped after the last.
/// </summary>
internal sealed class LoadRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _load = new();
    private readonly CancellationTokenSource _feeds = new();
    private readonly List<Task> _loadTasks = [];
    private readonly List<Task> _feedTasks = [];
    private readonly HttpClient _http;
    private readonly HttpClient _feedHttp;

    private LoadRun(BootedSystem system, string run)
    {
        System = system;
        Run = run;
        _http = system.CreateGatewayClient();
        // A feed is one response that lasts the whole run: no overall timeout (EventFeed watches for silence itself).
        _feedHttp = new HttpClient { BaseAddress = _http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        Gateway = new GatewayClient(_http, new Recorder(TimeProvider.System));
        Workflows = new Workflows(Gateway, Acknowledged);
    }

    public BootedSystem System { get; }

    /// <summary>This run's name, in every key it writes, so runs against a kept data folder never mix.</summary>
    public string Run { get; }

    public GatewayClient Gateway { get; }

    public Recorder Recorder => Gateway.Recorder;

    public Acknowledged Acknowledged { get; } = new();

    public Workflows Workflows { get; }

    public IReadOnlyList<Player> Players { get; private set; } = [];

    /// <summary>Each worker player's balance once onboarding funded it, before the load moved any money.</summary>
    public IReadOnlyDictionary<string, long> InitialBalances { get; private set; } = new Dictionary<string, long>();

    public IReadOnlyList<EventFeed> Feeds { get; private set; } = [];

    public HttpClient FeedHttp => _feedHttp;

    public DateTimeOffset StartedAt { get; private set; }

    public static async Task<LoadRun> StartAsync(BootedSystem system, int workers, CancellationToken cancellationToken)
    {
        var run = new LoadRun(system, $"{TimeProvider.System.GetUtcNow():MMddHHmmss}-{Guid.NewGuid():N}"[..16]);
        await run.SetUpAsync(workers, cancellationToken);
        // A feed opened without a cursor starts from now: every feed holds a cursor before the first transfer.
        run._feedTasks.AddRange(run.Feeds.Select(feed => Task.Run(() => feed.RunAsync(run._feeds.Token), CancellationToken.None)));
        using (var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            ready.CancelAfter(TimeSpan.FromSeconds(30));
            while (run.Feeds.Any(feed => feed.Cursor is null))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), run.Recorder.Time, ready.Token);
            }
        }

        run.StartedAt = run.Recorder.Time.GetUtcNow();
        var mix = new LoadMix(run.Gateway, run.Acknowledged, run.Players, run.Run);
        run._loadTasks.Add(mix.RunAsync(run._load.Token));
        run._loadTasks.Add(run.Workflows.RunAsync(run._load.Token));
        return run;
    }

    /// <summary>Every worker gets a player, onboarded (a wallet with the starter grant) before the load begins.</summary>
    private async Task SetUpAsync(int workers, CancellationToken cancellationToken)
    {
        Players = await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Gateway.NewPlayerAsync($"chaos-w{i}", cancellationToken)));
        var balances = new Dictionary<string, long>();
        foreach (var player in Players)
        {
            var (started, _) = await Workflows.StartAsync(player, "worker wallet", cancellationToken);
            var ended = started is null ? null : await Workflows.WaitEndedAsync(started, TimeSpan.FromSeconds(60), cancellationToken);
            var wallet = await Gateway.SendAsync("wallet read", HttpMethod.Get, "/api/v1/wallet", token: player.Token, cancellationToken: cancellationToken);
            if (ended?.Body["status"]?.GetValue<string>() != "COMPLETED" || !wallet.Ok)
            {
                throw new InvalidOperationException($"onboarding of worker {player.Id} did not fund a wallet: {ended?.Body.ToJsonString()} / {wallet.Status}");
            }

            balances[player.Id] = Reply.Long(wallet.Body["balance"]);
        }

        InitialBalances = balances;
        Feeds = [.. Players.Select(player => new EventFeed(_feedHttp, Recorder, player))];
        var probe = new JsonObject { ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("probe")) }.ToJsonString();
        await Gateway.SendAsync("state write", HttpMethod.Put, $"/api/v1/state/{ProbeKey}", probe, Players[0].Token, cancellationToken);
    }

    /// <summary>A key the probes read and write; not part of the invariants.</summary>
    public string ProbeKey => $"chaos/{Run}/probe";

    /// <summary>Stops the workers and the onboarding driver; the feeds go on, to deliver the last events.</summary>
    public async Task StopLoadAsync()
    {
        await _load.CancelAsync();
        await Task.WhenAll(_loadTasks);
    }

    public async Task StopFeedsAsync()
    {
        await _feeds.CancelAsync();
        await Task.WhenAll(_feedTasks);
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoadAsync();
        await StopFeedsAsync();
        _http.Dispose();
        _feedHttp.Dispose();
        _load.Dispose();
        _feeds.Dispose();
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace GamingSystem.Chaos.Load;

/// <summary>
/// The steady mixed load: each worker is one player who, about ten times a second, reads state, writes its own key
/// by compare-and-set, pays the next worker's player, or takes its current quest one step further. Their transfers
/// are the events the live feeds must see, once each.
/// </summary>
internal sealed class LoadMix(GatewayClient gateway, Acknowledged acknowledged, IReadOnlyList<Player> players, string run)
{
    public static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a worker repeats an idempotent call before leaving it to the end of the run.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static string StateKeyOf(string run, int worker) => $"chaos/{run}/w{worker}";

    private GatewayClient Client => gateway;

    private Acknowledged Acked => acknowledged;

    private IReadOnlyList<Player> Players => players;

    private string RunName => run;

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Players.Select((_, index) => Task.Run(() => new Worker(this, index).RunAsync(stop), CancellationToken.None)));

    private sealed class Worker(LoadMix mix, int index)
    {
        private readonly Random _random = new(index);
        private readonly StateKey _key = mix.Acked.StateKeys.GetOrAdd(StateKeyOf(mix.RunName, index), key => new StateKey(key));
        private readonly Player _player = mix.Players[index];
        private long? _knownVersion;
        private int _sequence;
        private Quest? _quest;

        private GatewayClient Gateway => mix.Client;

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var step = _random.Next(100) switch
                {
                    < 35 => ReadStateAsync(),
                    < 60 => WriteStateAsync(),
                    < 80 => TransferAsync(),
                    _ => QuestStepAsync(),
                };
                await step;
                await Task.Delay(Pacing, Gateway.Recorder.Time, CancellationToken.None);
            }
        }

        /// <summary>A read of any worker's key: never older than what was acknowledged before it began.</summary>
        private async Task ReadStateAsync()
        {
            var key = mix.Acked.StateKeys.GetOrAdd(StateKeyOf(mix.RunName, _random.Next(mix.Players.Count)), k => new StateKey(k));
            var before = key.Last;
            var reply = await Gateway.SendAsync("state read", HttpMethod.Get, StatePath(key.Key), token: _player.Token);
            var version = reply.Ok ? Reply.Long(reply.Body["version"]) : 0;
            if ((reply.Ok || reply.Status == 404) && before is { } acked && version < acked.Version)
            {
                mix.Acked.StaleReads.Add($"{key.Key}: read version {version} ({reply.Status}) after version {acked.Version} was acknowledged");
            }
        }

        private async Task WriteStateAsync()
        {
            if (_knownVersion is null)
            {
                var current = await Gateway.SendAsync("state read", HttpMethod.Get, StatePath(_key.Key), token: _player.Token);
                if (!current.Ok && current.Status != 404)
                {
                    return;
                }

                _knownVersion = current.Ok ? Reply.Long(current.Body["version"]) : 0;
            }

            var value = $"w{index}:{++_sequence}";
            var body = new JsonObject { ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), ["expectedVersion"] = _knownVersion }.ToJsonString();
            var reply = await Gateway.SendAsync("state CAS write", HttpMethod.Put, StatePath(_key.Key), body, _player.Token);
            if (reply.Ok)
            {
                _knownVersion = Reply.Long(reply.Body["version"]);
                _key.Acknowledge(_knownVersion.Value, value);
                return;
            }

            if (reply.Failed)
            {
                _key.Unanswered(value);
            }

            // A conflict means an unanswered write landed after all: read the version again before the next write.
            _knownVersion = null;
        }

        private async Task TransferAsync()
        {
            var payee = mix.Players[(index + 1) % mix.Players.Count];
            var amount = 1 + _random.Next(3);
            var key = $"{mix.RunName}-w{index}-t{++_sequence}";
            var json = new JsonObject { ["toPlayerId"] = payee.Id, ["amount"] = amount, ["idempotencyKey"] = key }.ToJsonString();
            await IdempotentAsync("payment transfer", HttpMethod.Post, "/api/v1/wallet/transfers", json, reply =>
                mix.Acked.Transfers.Add(new AckedTransfer(key, _player.Id, payee.Id, amount, reply.Body["transaction"]!["id"]!.GetValue<string>())));
        }

        /// <summary>One step of the worker's current quest: generate, accept, progress each objective, complete.</summary>
        private async Task QuestStepAsync()
        {
            if (_quest is null)
            {
                var generated = await Gateway.SendAsync("quest generate", HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":"DIFFICULTY_EASY"}""", _player.Token);
                if (generated.Ok)
                {
                    _quest = Quest.From(generated.Body);
                }

                return;
            }

            var quest = _quest;
            if (!quest.Accepted)
            {
                await IdempotentAsync("quest accept", HttpMethod.Post, $"/api/v1/quests/{quest.Id}/accept", "{}", _ => quest.Accepted = true, onRefused: () => Lost(quest, "accept"));
            }
            else if (quest.Objectives.FirstOrDefault(o => !o.Done) is { } objective)
            {
                // Progress is capped at what the objective requires, so repeating the whole amount is safe.
                var json = new JsonObject { ["objectiveId"] = objective.Id, ["delta"] = objective.Required }.ToJsonString();
                await IdempotentAsync("quest progress", HttpMethod.Post, $"/api/v1/quests/{quest.Id}/progress", json, _ => objective.Done = true, onRefused: () => Lost(quest, $"progress of {objective.Id}"));
            }
            else
            {
                await IdempotentAsync("quest complete", HttpMethod.Post, $"/api/v1/quests/{quest.Id}/complete", "{}", reply =>
                    mix.Acked.Rewards.Add(new AckedReward(quest.Id, _player.Id, quest.Reward, reply.Text("transactionId"))),
                    onRefused: () => Lost(quest, "completion"));
                _quest = null;
            }
        }

        /// <summary>Every earlier step of this quest was acknowledged, so a refusal now means the service lost one.</summary>
        private void Lost(Quest quest, string step)
        {
            mix.Acked.LostProgress.Add($"quest {quest.Id}: {step} refused after the steps before it were acknowledged");
            _quest = null;
        }

        /// <summary>
        /// Repeats the call until answered; a refusal (4xx) is recorded and moves nothing; a call never answered in
        /// time is left to the end of the run, and counted against "idempotent calls all eventually succeed".
        /// </summary>
        private async Task IdempotentAsync(string operation, HttpMethod method, string path, string json, Action<Reply> onSuccess, Action? onRefused = null)
        {
            var (reply, attempts) = await Gateway.UntilAnsweredAsync(operation, method, path, json, _player.Token, Patience, CancellationToken.None);
            if (reply.Ok)
            {
                mix.Acked.Attempts.Add(attempts);
                onSuccess(reply);
            }
            else if (reply.Failed)
            {
                mix.Acked.Pending.Add(new PendingCall(operation, method, path, json, _player, onSuccess));
            }
            else
            {
                mix.Acked.Refused.Add($"{operation} {path}: {reply.Status} {reply.Body.ToJsonString()}");
                onRefused?.Invoke();
            }
        }

        private static string StatePath(string key) => "/api/v1/state/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
    }

    private sealed class Quest(string id, long reward, List<Objective> objectives)
    {
        public string Id => id;

        public long Reward => reward;

        public List<Objective> Objectives => objectives;

        public bool Accepted { get; set; }

        public static Quest From(JsonObject body) => new(
            body["id"]!.GetValue<string>(),
            Reply.Long(body["reward"]?["amount"]),
            [.. body["objectives"]!.AsArray().Select(o => new Objective(o!["id"]!.GetValue<string>(), o["required"]!.GetValue<int>()))]);
    }

    private sealed class Objective(string id, int required)
    {
        public string Id => id;

        public int Required => required;

        public bool Done { get; set; }
    }
}

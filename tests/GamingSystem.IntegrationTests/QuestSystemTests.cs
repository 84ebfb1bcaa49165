using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.IntegrationTests;

/// <summary>Quests as a game client plays them, through the gateway: generate, accept, progress, complete, get paid once.</summary>
[Collection(SystemCollection.Name)]
public sealed class QuestSystemTests(SystemFixture system) : IAsyncLifetime
{
    private readonly StateApi _api = new(system.Gateway);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_quest_is_accepted_progressed_and_completed_and_ten_concurrent_completions_credit_its_reward_once()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var (token, player) = await _api.NewPlayerAsync();

        var (generated, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"iron-hills","difficulty":"DIFFICULTY_HARD"}""", token: token);

        Assert.Equal(HttpStatusCode.OK, generated);
        var id = quest["id"]!.GetValue<string>();
        Assert.Equal((player, "iron-hills", "QUEST_STATUS_OFFERED"), (quest["playerId"]!.GetValue<string>(), quest["regionId"]!.GetValue<string>(), quest["status"]!.GetValue<string>()));
        Assert.Contains(quest["source"]!.GetValue<string>(), new[] { "AI", "FALLBACK" });
        Assert.False(string.IsNullOrWhiteSpace(quest["title"]!.GetValue<string>()));
        var objectives = Objectives(quest);
        Assert.Equal(3, objectives.Count);
        Assert.All(objectives, o => Assert.True(o.Required >= 1 && o.Progress == 0, $"{o.Id}: {o.Progress}/{o.Required}"));
        var reward = StateApi.Long(quest["reward"]!["amount"]);
        Assert.InRange(reward, 300, 360);
        Assert.Equal("GLD", quest["reward"]!["currency"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Conflict, (await Progress(token, id, "o1", 1)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: token)).Status);
        var (accepted, acceptedQuest) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: token);
        var (again, _) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: token);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, "QUEST_STATUS_ACCEPTED"), (accepted, again, acceptedQuest["status"]!.GetValue<string>()));

        var (early, problem) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: token);
        Assert.Equal(HttpStatusCode.Conflict, early);
        Assert.Contains("objectives left", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (unknown, unknownProblem) = await Progress(token, id, "o9", 1);
        Assert.Equal((HttpStatusCode.BadRequest, "objective_id"), (unknown, unknownProblem["field"]!.GetValue<string>()));

        JsonObject progressed = [];
        foreach (var objective in objectives)
        {
            // More than required is capped at what the objective requires.
            (_, progressed) = await Progress(token, id, objective.Id, objective.Required + 5);
        }

        Assert.All(Objectives(progressed), o => Assert.Equal(o.Required, o.Progress));

        var completions = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: token)));

        Assert.All(completions, c => Assert.Equal(HttpStatusCode.OK, c.Status));
        var transaction = Assert.Single(completions.Select(c => c.Body["transactionId"]!.GetValue<string>()).Distinct());
        Assert.All(completions, c => Assert.Equal("QUEST_STATUS_COMPLETED", c.Body["quest"]!["status"]!.GetValue<string>()));
        var (_, wallet) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.Equal((reward, "GLD"), (StateApi.Long(wallet["balance"]), wallet["currency"]!.GetValue<string>()));
        var (_, ledger) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet/transactions?pageSize=50", token: token);
        var credit = Assert.Single(ledger["transactions"]!.AsArray())!;
        Assert.Equal(("TRANSACTION_KIND_CREDIT", transaction, $"quest:{id}"), (credit["kind"]!.GetValue<string>(), credit["id"]!.GetValue<string>(), credit["idempotencyKey"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, (await Progress(token, id, "o1", 1)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/abandon", "{}", token: token)).Status);

        var events = await EventsAsync(since, id, e => e.Subject == "evt.quest.completed", 1);
        var completed = QuestCompleted.Parser.ParseFrom(Assert.Single(events).Payload);
        Assert.Equal((player, transaction, reward), (completed.PlayerId, completed.TransactionId, completed.Reward.Amount));
        var acceptedEvent = QuestAccepted.Parser.ParseFrom(Assert.Single(await EventsAsync(since, id, e => e.Subject == "evt.quest.accepted", 1)).Payload);
        Assert.Equal(("iron-hills", player), (acceptedEvent.RegionId, acceptedEvent.PlayerId));
    }

    [Fact]
    public async Task The_reward_goes_to_the_players_own_wallet_in_its_currency()
    {
        var (token, _) = await _api.NewPlayerAsync();
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "/api/v1/wallet", """{"currency":"SLV"}""", token: token)).Status);

        var (_, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":"DIFFICULTY_EASY"}""", token: token);
        var id = quest["id"]!.GetValue<string>();
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: token);
        var objective = Assert.Single(Objectives(quest));
        await Progress(token, id, objective.Id, objective.Required);
        var (completed, result) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: token);

        Assert.Equal("SLV", quest["reward"]!["currency"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, completed);
        var reward = StateApi.Long(quest["reward"]!["amount"]);
        Assert.InRange(reward, 50, 60);
        Assert.Equal(reward, StateApi.Long(result["balance"]));
        var (_, wallet) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.Equal((reward, "SLV"), (StateApi.Long(wallet["balance"]), wallet["currency"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_player_acts_only_on_their_own_quests()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var (other, _) = await _api.NewPlayerAsync();
        var (_, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford"}""", token: token);
        var id = quest["id"]!.GetValue<string>();

        Assert.Equal("DIFFICULTY_NORMAL", quest["difficulty"]!.GetValue<string>());
        Assert.Equal(2, Objectives(quest).Count);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"/api/v1/quests/{id}", token: other)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: other)).Status);
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: token);
        Assert.Equal(HttpStatusCode.NotFound, (await Progress(other, id, "o1", 1)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: other)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/abandon", "{}", token: other)).Status);
        var (_, theirs) = await _api.SendAsync(HttpMethod.Get, "/api/v1/quests", token: other);
        Assert.Empty(Ids(theirs));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(HttpMethod.Get, $"/api/v1/quests/{id}")).Status);

        var (_, mine) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/quests/{id}", token: token);
        Assert.Equal(("QUEST_STATUS_ACCEPTED", 0), (mine["status"]!.GetValue<string>(), Objectives(mine).Sum(o => o.Progress)));
    }

    [Fact]
    public async Task Quests_are_listed_newest_first_by_status_and_paged_and_an_abandoned_quest_takes_no_progress()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":"DIFFICULTY_EASY"}""", token: token);
            ids.Add(quest["id"]!.GetValue<string>());
        }

        await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{ids[0]}/accept", "{}", token: token);
        var (abandoned, gone) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{ids[1]}/abandon", "{}", token: token);
        var (again, _) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{ids[1]}/abandon", "{}", token: token);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, "QUEST_STATUS_ABANDONED"), (abandoned, again, gone["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{ids[1]}/accept", "{}", token: token)).Status);
        var (_, first) = await _api.SendAsync(HttpMethod.Get, "/api/v1/quests?pageSize=2", token: token);
        var (_, second) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/quests?pageSize=2&pageToken={first["nextPageToken"]!.GetValue<string>()}", token: token);
        Assert.Equal([ids[2], ids[1]], Ids(first));
        Assert.Equal([ids[0]], Ids(second));
        Assert.Equal("", second["nextPageToken"]?.GetValue<string>() ?? "");
        Assert.Equal([ids[0]], Ids((await _api.SendAsync(HttpMethod.Get, "/api/v1/quests?status=QUEST_STATUS_ACCEPTED", token: token)).Body));
        Assert.Equal([ids[1]], Ids((await _api.SendAsync(HttpMethod.Get, "/api/v1/quests?status=QUEST_STATUS_ABANDONED", token: token)).Body));
        Assert.Equal([ids[2]], Ids((await _api.SendAsync(HttpMethod.Get, "/api/v1/quests?status=QUEST_STATUS_OFFERED", token: token)).Body));
    }

    [Fact]
    public async Task With_payment_hung_a_completion_fails_without_losing_the_quest_and_a_retry_pays_once()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var (_, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":"DIFFICULTY_EASY"}""", token: token);
        var id = quest["id"]!.GetValue<string>();
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: token);
        var objective = Assert.Single(Objectives(quest));
        await Progress(token, id, objective.Id, objective.Required);
        HttpStatusCode hung, abandon;
        using (new Frozen(system.ServiceProcess(ResourceNames.Payment).Id))
        {
            (hung, _) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: token);
            // Being completed, the quest can no longer be abandoned: the reward may be on its way.
            (abandon, _) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/abandon", "{}", token: token);
        }

        Assert.True(hung is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"the completion with payment hung answered {hung}");
        Assert.Equal(HttpStatusCode.Conflict, abandon);
        var watch = Stopwatch.StartNew();
        (HttpStatusCode Status, JsonObject Body) retried;
        while ((retried = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/complete", "{}", token: token)).Status != HttpStatusCode.OK
               && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal("QUEST_STATUS_COMPLETED", retried.Body["quest"]!["status"]!.GetValue<string>());
        var (_, ledger) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet/transactions?pageSize=50", token: token);
        Assert.Equal(retried.Body["transactionId"]!.GetValue<string>(), Assert.Single(ledger["transactions"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_routers_quest_commands_reach_quest_system()
    {
        var (token, player) = await _api.NewPlayerAsync();
        var (_, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":"DIFFICULTY_EASY"}""", token: token);
        var id = quest["id"]!.GetValue<string>();

        var listed = await DispatchAsync("quests", player);
        var accepted = await DispatchAsync($"accept {id}", player);

        Assert.Equal("You have 1 quests.", listed.Reply);
        Assert.Equal($"Accepted: {quest["title"]!.GetValue<string>()}.", accepted.Reply);
        var (_, read) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/quests/{id}", token: token);
        Assert.Equal("QUEST_STATUS_ACCEPTED", read["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_requests_name_the_field()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var (_, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford"}""", token: token);
        var id = quest["id"]!.GetValue<string>();
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/accept", "{}", token: token);

        foreach (var (method, path, body, field) in new (HttpMethod, string, string?, string)[]
        {
            (HttpMethod.Post, "/api/v1/quests", """{"regionId":"Ashford Vale"}""", "region_id"),
            (HttpMethod.Post, "/api/v1/quests", "{}", "region_id"),
            (HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":9}""", "difficulty"),
            (HttpMethod.Get, "/api/v1/quests/not-a-quest", null, "quest_id"),
            (HttpMethod.Post, $"/api/v1/quests/{id}/progress", """{"objectiveId":"o1","delta":0}""", "delta"),
            (HttpMethod.Get, "/api/v1/quests?pageSize=500", null, "page_size"),
            (HttpMethod.Get, "/api/v1/quests?pageToken=xyz", null, "page_token"),
        })
        {
            var (status, problem) = await _api.SendAsync(method, path, body, token: token);
            Assert.True(status == HttpStatusCode.BadRequest && problem["field"]?.GetValue<string>() == field, $"{path} {body}: {status} {problem.ToJsonString()}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"/api/v1/quests/{Guid.NewGuid():N}", token: token)).Status);
    }

    [Fact]
    public async Task With_ai_router_hung_a_quest_comes_from_the_seeded_fallback_with_real_objectives()
    {
        var (token, _) = await _api.NewPlayerAsync();
        JsonObject quest;
        HttpStatusCode status;
        using (new Frozen(system.ServiceProcess(ResourceNames.AiRouter).Id))
        {
            (status, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"misty-marsh","difficulty":"DIFFICULTY_LEGENDARY"}""", token: token);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("FALLBACK", quest["source"]!.GetValue<string>());
        var objectives = Objectives(quest);
        Assert.Equal(4, objectives.Count);
        Assert.Equal(4, objectives.Select(o => o.Kind).Distinct().Count());
        Assert.All(objectives, o => Assert.Contains("Misty Marsh", o.Description, StringComparison.Ordinal));
        Assert.All(objectives.Where(o => o.Kind is "OBJECTIVE_KIND_COLLECT" or "OBJECTIVE_KIND_DEFEAT"), o => Assert.InRange(o.Required, 10, 15));
        var description = quest["description"]!.GetValue<string>();
        Assert.Contains("Misty Marsh", description, StringComparison.Ordinal);
        Assert.Contains($"Reward: {StateApi.Long(quest["reward"]!["amount"])} GLD.", description, StringComparison.Ordinal);
    }

    private Task<Contracts.Router.V1.DispatchResponse> DispatchAsync(string text, string player) =>
        _bus.Services.RequestAsync<Contracts.Router.V1.DispatchResponse>(
            ContractRegistry.Router.FindMethodByName("Dispatch"), new Contracts.Router.V1.DispatchRequest { Text = text },
            new ServiceDefaults.Messaging.CallOptions { PlayerId = player, Timeout = TimeSpan.FromSeconds(20) });

    private Task<(HttpStatusCode Status, JsonObject Body)> Progress(string token, string id, string objective, int delta) =>
        _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{id}/progress", $$"""{"objectiveId":"{{objective}}","delta":{{delta}}}""", token: token);

    private static List<(string Id, string Kind, int Required, int Progress, string Description)> Objectives(JsonObject quest) =>
        [.. quest["objectives"]!.AsArray().Select(o => (
            o!["id"]!.GetValue<string>(),
            o["kind"]!.GetValue<string>(),
            o["required"]!.GetValue<int>(),
            // proto3 JSON leaves out zeros.
            o["progress"]?.GetValue<int>() ?? 0,
            o["description"]!.GetValue<string>()))];

    private static List<string> Ids(JsonObject list) => [.. (list["quests"]?.AsArray() ?? []).Select(q => q!["id"]!.GetValue<string>())];

    /// <summary>The quest's events of one kind through event-bus's replay, once <paramref name="expected"/> have arrived (or the deadline passed).</summary>
    private async Task<List<StoredEvent>> EventsAsync(DateTimeOffset since, string questId, Func<StoredEvent, bool> kind, int expected)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var replay = await _bus.Services.RequestAsync<ReplayResponse>(
                ContractRegistry.EventBus.FindMethodByName("Replay"),
                new ReplayRequest { SubjectFilter = "evt.quest.>", FromTime = Timestamp.FromDateTimeOffset(since), Limit = 1000 });
            var found = replay.Events.Where(kind).Where(e => e.Subject == "evt.quest.completed"
                ? QuestCompleted.Parser.ParseFrom(e.Payload).QuestId == questId
                : QuestAccepted.Parser.ParseFrom(e.Payload).QuestId == questId).ToList();
            if (found.Count >= expected || watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                return found;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops a process where it stands (SIGSTOP) until disposed (SIGCONT): a service that hangs.</summary>
    private sealed class Frozen : IDisposable
    {
        private readonly int _pid;

        public Frozen(int pid)
        {
            _pid = pid;
            Signal("STOP");
        }

        public void Dispose() => Signal("CONT");

        private void Signal(string signal)
        {
            using var kill = Process.Start("kill", $"-{signal} {_pid}");
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }
    }
}

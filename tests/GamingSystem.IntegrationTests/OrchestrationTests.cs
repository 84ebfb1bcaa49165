using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// player-onboarding as a game client runs it, through the gateway: start it, follow it to its end, and see its effects
/// in the player's settings and wallet. Failures, cancels and a crash of orchestration mid-step are made real by
/// freezing (SIGSTOP) the payment process and killing (SIGKILL) the orchestration process.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OrchestrationTests(SystemFixture system)
{
    private const string Onboarding = "player-onboarding";
    private const long StarterGrant = 100;
    private static readonly TimeSpan EndsWithin = TimeSpan.FromSeconds(60);

    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task Onboarding_completes_with_the_chosen_settings_a_funded_wallet_and_an_accepted_starter_quest()
    {
        var (token, player) = await _api.NewPlayerAsync();

        var (status, started) = await StartAsync(token, """{"language":"de","subtitles":true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Onboarding, started["name"]!.GetValue<string>());
        Assert.Equal(player, started["playerId"]!.GetValue<string>());
        Assert.Equal(["settings-defaults", "starter-wallet", "starter-quest"], Steps(started).Select(s => s["name"]!.GetValue<string>()));
        var ended = await WaitEndedAsync(started["id"]!.GetValue<string>(), token);
        Assert.Equal("COMPLETED", ended["status"]!.GetValue<string>());
        Assert.Equal(["STEP_STATUS_COMPLETED", "STEP_STATUS_COMPLETED", "STEP_STATUS_COMPLETED"], Steps(ended).Select(s => s["status"]!.GetValue<string>()));
        Assert.StartsWith("accepted the starter quest", Steps(ended)[2]["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("100", ended["output"]!["wallet"]!["balance"]!.GetValue<string>());
        var questId = ended["output"]!["quest"]!["id"]!.GetValue<string>();

        var (_, settings) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: token);
        Assert.Equal(("de", true), (settings["language"]!.GetValue<string>(), settings["subtitles"]!.GetValue<bool>()));
        Assert.Equal((StarterGrant, "GLD"), await WalletAsync(token));
        Assert.Equal(["TRANSACTION_KIND_CREDIT"], await LedgerKindsAsync(token));
        var quest = Assert.Single(await QuestsAsync(token));
        Assert.Equal((questId, "QUEST_STATUS_ACCEPTED", "ashford", "DIFFICULTY_EASY"), (quest["id"]!.GetValue<string>(), quest["status"]!.GetValue<string>(),
            quest["regionId"]!.GetValue<string>(), quest["difficulty"]!.GetValue<string>()));
        Assert.Equal("GLD", quest["reward"]!["currency"]!.GetValue<string>());
    }

    [Fact]
    public async Task Onboarding_runs_once_per_player_even_when_started_ten_times_at_once()
    {
        var (token, _) = await _api.NewPlayerAsync();

        var starts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => StartAsync(token, "{}")));

        Assert.All(starts, start => Assert.Equal(HttpStatusCode.OK, start.Status));
        var id = Assert.Single(starts.Select(start => start.Body["id"]!.GetValue<string>()).Distinct());
        Assert.Equal("COMPLETED", (await WaitEndedAsync(id, token))["status"]!.GetValue<string>());
        var (_, again) = await StartAsync(token, "{}");
        Assert.Equal(id, again["id"]!.GetValue<string>());
        Assert.Equal((StarterGrant, "GLD"), await WalletAsync(token));
        Assert.Equal(["TRANSACTION_KIND_CREDIT"], await LedgerKindsAsync(token));
        Assert.Single(await QuestsAsync(token));
    }

    [Fact]
    public async Task A_failing_step_compensates_the_steps_before_it_and_the_player_may_start_again()
    {
        var (token, _) = await _api.NewPlayerAsync();
        // The player chose French already and holds a wallet in another currency: the wallet step must fail.
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Patch, "/api/v1/settings/me", """{"language":"fr"}""", token: token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "/api/v1/wallet", """{"currency":"GEM"}""", token: token)).Status);

        var (_, started) = await StartAsync(token, """{"language":"de"}""");
        var ended = await WaitEndedAsync(started["id"]!.GetValue<string>(), token);

        Assert.Equal("COMPENSATED", ended["status"]!.GetValue<string>());
        Assert.Equal(["STEP_STATUS_COMPENSATED", "STEP_STATUS_COMPENSATED", "STEP_STATUS_PENDING"], Steps(ended).Select(s => s["status"]!.GetValue<string>()));
        Assert.StartsWith("starter-wallet: INVALID_ARGUMENT", ended["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("currency", ended["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("restored language", Steps(ended)[0]["detail"]!.GetValue<string>());
        var (_, settings) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: token);
        Assert.Equal("fr", settings["language"]!.GetValue<string>());
        Assert.Equal((0L, "GEM"), await WalletAsync(token));
        Assert.Empty(await QuestsAsync(token));

        var (_, second) = await StartAsync(token, "{}");
        Assert.NotEqual(started["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Killing_orchestration_mid_step_the_workflow_finishes_after_the_restart_and_pays_once()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var before = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Orchestration);
        string id;
        using (Freeze(ResourceNames.Payment))
        {
            var (_, started) = await StartAsync(token, "{}");
            id = started["id"]!.GetValue<string>();
            await WaitForStepAsync(id, token, "starter-wallet", "STEP_STATUS_RUNNING");

            using var victim = SystemFixture.ServiceProcess(before.Snapshot);
            victim.Kill();
            await victim.WaitForExitAsync();
        }

        var ended = await WaitEndedAsync(id, token);

        Assert.Equal("COMPLETED", ended["status"]!.GetValue<string>());
        Assert.True(Steps(ended)[1]["attempts"]!.GetValue<int>() >= 2, "the wallet step ran again after the crash");
        Assert.Equal((StarterGrant, "GLD"), await WalletAsync(token));
        Assert.Equal(["TRANSACTION_KIND_CREDIT"], await LedgerKindsAsync(token));
    }

    [Fact]
    public async Task A_cancel_stops_the_running_step_and_compensates_and_an_ended_workflow_cannot_be_cancelled()
    {
        var (token, _) = await _api.NewPlayerAsync();
        string id;
        using (Freeze(ResourceNames.Payment))
        {
            var (_, started) = await StartAsync(token, """{"language":"ja"}""");
            id = started["id"]!.GetValue<string>();
            await WaitForStepAsync(id, token, "starter-wallet", "STEP_STATUS_RUNNING");

            var (cancelled, body) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/workflows/{id}/cancel", "{}", token: token);

            Assert.Equal(HttpStatusCode.OK, cancelled);
            Assert.Equal(id, body["id"]!.GetValue<string>());
        }

        var ended = await WaitEndedAsync(id, token);

        Assert.Equal("CANCELLED", ended["status"]!.GetValue<string>());
        Assert.Equal("STEP_STATUS_COMPENSATED", Steps(ended)[0]["status"]!.GetValue<string>());
        Assert.Equal("STEP_STATUS_COMPENSATED", Steps(ended)[1]["status"]!.GetValue<string>());
        var (_, settings) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: token);
        Assert.Equal("en", settings["language"]!.GetValue<string>());
        var (walletStatus, wallet) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.True(walletStatus == HttpStatusCode.NotFound || StateApi.Long(wallet["balance"]) == 0, $"the grant was not taken back: {walletStatus} {wallet.ToJsonString()}");

        var (again, problem) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/workflows/{id}/cancel", "{}", token: token);
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("FAILED_PRECONDITION", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancel_during_the_starter_quest_abandons_that_quest_and_compensates_the_steps_before_it()
    {
        var (token, _) = await _api.NewPlayerAsync();
        string id;
        using (Freeze(ResourceNames.QuestSystem))
        {
            var (_, started) = await StartAsync(token, "{}");
            id = started["id"]!.GetValue<string>();
            await WaitForStepAsync(id, token, "starter-quest", "STEP_STATUS_RUNNING");

            Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/workflows/{id}/cancel", "{}", token: token)).Status);
        }

        var ended = await WaitEndedAsync(id, token);

        Assert.Equal("CANCELLED", ended["status"]!.GetValue<string>());
        Assert.Equal(["STEP_STATUS_COMPENSATED", "STEP_STATUS_COMPENSATED", "STEP_STATUS_COMPENSATED"], Steps(ended).Select(s => s["status"]!.GetValue<string>()));
        Assert.StartsWith("abandoned the starter quest", Steps(ended)[2]["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // The quest the frozen call made once quest-system resumed is the one abandoned: the key made it one quest.
        var quest = Assert.Single(await QuestsAsync(token));
        Assert.Equal("QUEST_STATUS_ABANDONED", quest["status"]!.GetValue<string>());
        Assert.Equal((0L, "GLD"), await WalletAsync(token));
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_a_workflow_is_visible_to_its_player_only()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var (other, _) = await _api.NewPlayerAsync();

        foreach (var (body, field) in new[]
        {
            ("""{"name":"player-offboarding"}""", "name"),
            ("""{"name":"player-onboarding","input":{"colour":"red"}}""", "input.colour"),
            ("""{"name":"player-onboarding","input":{"language":"xx"}}""", "input.language"),
            ("""{"name":"player-onboarding","input":{"subtitles":"yes"}}""", "input.subtitles"),
            ($$"""{"name":"player-onboarding","idempotencyKey":"{{new string('k', 129)}}"}""", "idempotency_key"),
        })
        {
            var (status, problem) = await _api.SendAsync(HttpMethod.Post, "/api/v1/workflows", body, token: token);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(field, problem["field"]!.GetValue<string>());
        }

        var (_, started) = await StartAsync(token, "{}");
        var id = started["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{id}", token: other)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/workflows/{id}/cancel", "{}", token: other)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.SendAsync(HttpMethod.Get, "/api/v1/workflows/not-an-id", token: token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{Guid.NewGuid():N}", token: token)).Status);
        await WaitEndedAsync(id, token);
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> StartAsync(string token, string input) =>
        _api.SendAsync(HttpMethod.Post, "/api/v1/workflows", $$"""{"name":"{{Onboarding}}","input":{{input}}}""", token: token);

    private static List<JsonNode> Steps(JsonObject workflow) => [.. workflow["steps"]!.AsArray().Select(step => step!)];

    private async Task<JsonObject> WaitEndedAsync(string id, string token)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (status, workflow) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{id}", token: token);
            if (status == HttpStatusCode.OK && workflow["status"]!.GetValue<string>() != "RUNNING")
            {
                return workflow;
            }

            Assert.True(watch.Elapsed < EndsWithin, $"workflow {id} still running after {EndsWithin}: {status} {workflow.ToJsonString()}\n{await system.RecentLogsAsync(ResourceNames.Orchestration)}");
            await Task.Delay(200);
        }
    }

    private async Task WaitForStepAsync(string id, string token, string step, string status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (_, workflow) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{id}", token: token);
            if (Steps(workflow).Any(s => s["name"]!.GetValue<string>() == step && s["status"]!.GetValue<string>() == status))
            {
                return;
            }

            Assert.True(watch.Elapsed < EndsWithin, $"step {step} of {id} never became {status}: {workflow.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private async Task<(long Balance, string Currency)> WalletAsync(string token)
    {
        var (status, wallet) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.Equal(HttpStatusCode.OK, status);
        return (StateApi.Long(wallet["balance"]), wallet["currency"]!.GetValue<string>());
    }

    private async Task<List<JsonNode>> QuestsAsync(string token)
    {
        var (status, list) = await _api.SendAsync(HttpMethod.Get, "/api/v1/quests", token: token);
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. (list["quests"]?.AsArray() ?? []).Select(q => q!)];
    }

    private async Task<List<string>> LedgerKindsAsync(string token)
    {
        var (_, ledger) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet/transactions?pageSize=50", token: token);
        return [.. ledger["transactions"]!.AsArray().Select(t => t!["kind"]!.GetValue<string>())];
    }

    /// <summary>Stops a service's process where it stands (SIGSTOP) until disposed (SIGCONT): a service that hangs.</summary>
    private IDisposable Freeze(string resource) => LinuxProcesses.Freeze(system.ServiceProcess(resource).Id);
}

using System.Net;
using System.Text.Json.Nodes;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// A player's first session as a game client lives it, through the gateway's HTTP routes only: register, log in,
/// onboarding, settings, a quest from generation to reward, a purchase on the body market, and a logout after which
/// the token is worthless.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PlayerJourneyTests(SystemFixture system)
{
    private static readonly TimeSpan WorkflowDeadline = TimeSpan.FromSeconds(60);
    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task A_new_player_onboards_plays_a_quest_is_paid_buys_a_body_and_logs_out()
    {
        var credentials = new JsonObject { ["username"] = "journey-" + Guid.NewGuid().ToString("N")[..10], ["password"] = "correct horse battery" }.ToJsonString();
        var (registered, registration) = await _api.SendAsync(HttpMethod.Post, "/api/v1/auth/register", credentials);
        var (loggedIn, login) = await _api.SendAsync(HttpMethod.Post, "/api/v1/auth/login", credentials);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (registered, loggedIn));
        var token = login["token"]!.GetValue<string>();
        var player = registration["playerId"]!.GetValue<string>();

        // Onboarding: settings in the chosen language, a wallet with the starter grant, a starter quest.
        var (started, workflow) = await _api.SendAsync(HttpMethod.Post, "/api/v1/workflows", """{"name":"player-onboarding","input":{"language":"de","subtitles":true}}""", token: token);
        Assert.Equal(HttpStatusCode.OK, started);
        var onboarded = await CompletedWorkflowAsync(workflow["id"]!.GetValue<string>(), token);
        Assert.All(onboarded["steps"]!.AsArray(), step => Assert.Equal("STEP_STATUS_COMPLETED", step!["status"]!.GetValue<string>()));
        var starterGrant = await BalanceAsync(token);
        Assert.True(starterGrant > 0, "onboarding granted nothing");

        var (_, settings) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: token);
        var (patched, updated) = await _api.SendAsync(HttpMethod.Patch, "/api/v1/settings/me", """{"masterVolume":40}""", token: token);
        Assert.Equal(("de", true), (settings["language"]!.GetValue<string>(), settings["subtitles"]!.GetValue<bool>()));
        Assert.Equal((HttpStatusCode.OK, 40, "de"), (patched, updated["masterVolume"]!.GetValue<int>(), updated["language"]!.GetValue<string>()));

        // The starter quest is there; a new one is generated, accepted, progressed to the end and completed.
        var (_, quests) = await _api.SendAsync(HttpMethod.Get, "/api/v1/quests", token: token);
        Assert.Single(quests["quests"]!.AsArray());
        var (generated, quest) = await _api.SendAsync(HttpMethod.Post, "/api/v1/quests", """{"regionId":"ashford","difficulty":"DIFFICULTY_EASY"}""", token: token);
        Assert.Equal(HttpStatusCode.OK, generated);
        var questId = quest["id"]!.GetValue<string>();
        var reward = StateApi.Long(quest["reward"]!["amount"]);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{questId}/accept", "{}", token: token)).Status);
        foreach (var objective in quest["objectives"]!.AsArray())
        {
            var progress = new JsonObject { ["objectiveId"] = objective!["id"]!.GetValue<string>(), ["delta"] = objective["required"]!.GetValue<int>() };
            Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{questId}/progress", progress.ToJsonString(), token: token)).Status);
        }

        var (completed, completion) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/quests/{questId}/complete", "{}", token: token);
        Assert.Equal(HttpStatusCode.OK, completed);
        Assert.Equal("QUEST_STATUS_COMPLETED", completion["quest"]!["status"]!.GetValue<string>());
        Assert.Equal(starterGrant + reward, await BalanceAsync(token));

        // Another player sells a body; this one buys it with the quest's money.
        var (sellerToken, seller) = await _api.NewPlayerAsync();
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "/api/v1/wallet", """{"currency":"GLD"}""", token: sellerToken)).Status);
        var price = starterGrant + reward - 1;
        var offerBody = new JsonObject
        {
            ["body"] = new JsonObject { ["species"] = "human", ["condition"] = 72, ["augmentations"] = new JsonArray("night-eyes") },
            ["price"] = price.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var (offered, offer) = await _api.SendAsync(HttpMethod.Post, "/api/v1/body-broker/offers", offerBody.ToJsonString(), token: sellerToken);
        Assert.Equal(HttpStatusCode.OK, offered);
        var (bought, sale) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/body-broker/offers/{offer["id"]!.GetValue<string>()}/buy", """{"idempotencyKey":"journey-buy"}""", token: token);
        Assert.Equal(HttpStatusCode.OK, bought);
        Assert.Equal(("OFFER_STATUS_SOLD", player), (sale["offer"]!["status"]!.GetValue<string>(), sale["offer"]!["buyerPlayerId"]!.GetValue<string>()));
        Assert.Equal(1, await BalanceAsync(token));
        Assert.Equal(price, await BalanceAsync(sellerToken));
        Assert.NotEqual(player, seller);

        // Logout: the token no longer opens anything.
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", "{}", token: token)).Status);
        var (afterLogout, problem) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout);
        Assert.Equal(401, problem["status"]!.GetValue<int>());
    }

    private async Task<long> BalanceAsync(string token)
    {
        var (status, wallet) = await _api.SendAsync(HttpMethod.Get, "/api/v1/wallet", token: token);
        Assert.Equal(HttpStatusCode.OK, status);
        return StateApi.Long(wallet["balance"]);
    }

    private async Task<JsonObject> CompletedWorkflowAsync(string id, string token)
    {
        using var deadline = new CancellationTokenSource(WorkflowDeadline);
        while (true)
        {
            var (_, workflow) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{id}", token: token);
            var status = workflow["status"]!.GetValue<string>();
            if (status != "RUNNING")
            {
                Assert.True(status == "COMPLETED", workflow.ToJsonString());
                return workflow;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
        }
    }
}

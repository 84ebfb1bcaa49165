using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.LanguageSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// performance-mode through the gateway: quality recommendations that do not flap, the server mode derived from the
/// services' own NATS micro stats (a service frozen with SIGSTOP shows in it), and an operator's override, which in
/// survival sends AI-backed services (language-system's MachineTranslate) to their fallback.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PerformanceModeTests(SystemFixture system)
{
    private const string ServerModePath = "/api/v1/performance/server-mode";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task A_noisy_frame_rate_near_a_threshold_changes_the_recommended_preset_at_most_once()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var random = new Random(7);
        var recommendations = new List<JsonObject>();
        for (var i = 0; i < 30; i++)
        {
            // Around 45 fps, the lower threshold, by up to 8 either way: half the reports are below it.
            var fps = 45 + ((random.NextDouble() * 2) - 1) * 8;
            recommendations.Add(await ReportAsync(token, fps, "DEVICE_TIER_HIGH"));
        }

        Assert.True(Changed(recommendations[0]));
        Assert.Equal("QUALITY_PRESET_HIGH", recommendations[0]["preset"]!.GetValue<string>());
        var changes = recommendations.Skip(1).Count(Changed);
        Assert.True(changes <= 1, $"{changes} changes: {string.Join(" | ", recommendations.Select(r => r["reason"]))}");
        Assert.All(recommendations, r => Assert.False(string.IsNullOrWhiteSpace(r["reason"]?.GetValue<string>())));
    }

    [Fact]
    public async Task A_frame_rate_that_collapses_lowers_the_preset_and_the_route_is_for_players_only()
    {
        var (token, _) = await _api.NewPlayerAsync();
        var recommendations = new List<JsonObject>();
        foreach (var fps in new[] { 60.0, 60, 60, 20, 20, 20, 20, 20, 20 })
        {
            recommendations.Add(await ReportAsync(token, fps, "DEVICE_TIER_HIGH"));
        }

        var (anonymous, _) = await _api.SendAsync(HttpMethod.Post, "/api/v1/performance/client-metrics", """{"fps":60}""");
        var (invalid, problem) = await _api.SendAsync(HttpMethod.Post, "/api/v1/performance/client-metrics", """{"fps":-3}""", token: token);

        var lowered = Assert.Single(recommendations.Skip(1), Changed);
        Assert.Equal("QUALITY_PRESET_MEDIUM", lowered["preset"]!.GetValue<string>());
        Assert.StartsWith("lowered to MEDIUM", lowered["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal((HttpStatusCode.BadRequest, "fps"), (invalid, problem["field"]?.GetValue<string>()));
    }

    [Fact]
    public async Task The_server_mode_lists_every_services_load_from_its_nats_micro_stats()
    {
        var deadline = Stopwatch.StartNew();
        JsonObject? languageSystem = null;
        JsonObject status = [];
        while (deadline.Elapsed < Patience)
        {
            // Requests to count: the window's figures are differences, so they must come after the first sample.
            await _api.SendAsync(HttpMethod.Post, "/api/v1/language/translate", """{"key":"menu.play","locale":"fr"}""");
            (_, status) = await _api.SendAsync(HttpMethod.Get, ServerModePath);
            languageSystem = Load(status, ResourceNames.LanguageSystem);
            if (languageSystem is not null && StateApi.Long(languageSystem["requests"] ?? 0) >= 3)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.NotNull(languageSystem);
        Assert.True(StateApi.Long(languageSystem["requests"] ?? 0) >= 3, status.ToJsonString());
        Assert.Equal(1, languageSystem["instances"]?.GetValue<int>());
        foreach (var service in new[] { ResourceNames.Auth, ResourceNames.Settings, ResourceNames.Payment, ResourceNames.AiRouter, ResourceNames.PerformanceMode })
        {
            Assert.True(Load(status, service)?["instances"]?.GetValue<int>() >= 1, $"{service} missing: {status.ToJsonString()}");
        }

        Assert.StartsWith("SERVER_MODE_", status["mode"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(status["reason"]?.GetValue<string>()));
    }

    [Fact]
    public async Task A_frozen_service_shows_as_not_answering_with_its_latency_and_after_it_resumes_its_expired_requests_count_as_errors()
    {
        await using var impatient = await BusClient.StartAsync(system);
        await using var patient = await BusClient.StartAsync(system);
        var detect = ContractRegistry.LanguageSystem.FindMethodByName("DetectLanguage");
        JsonObject during;
        Task<DetectLanguageResponse> queued;
        using (Freeze(ResourceNames.LanguageSystem))
        {
            queued = patient.Services.RequestAsync<DetectLanguageResponse>(detect, new DetectLanguageRequest { Text = "Der Hund schläft unter dem Tisch in der Küche." }, new CallOptions { Timeout = TimeSpan.FromSeconds(60) });
            // Requests whose callers give up while the service hangs: they wait in its connection, past their deadline.
            var abandoned = Enumerable.Range(0, 6).Select(i => impatient.Services.RequestAsync<DetectLanguageResponse>(
                detect, new DetectLanguageRequest { Text = $"The bridge number {i} is closed today." }, new CallOptions { Timeout = TimeSpan.FromSeconds(1) }));
            foreach (var call in abandoned)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => call);
            }

            during = await PollAsync(status =>
                Load(status, ResourceNames.LanguageSystem) is { } load
                && load["unresponsiveInstances"]?.GetValue<int>() >= 1
                && load["averageLatencyMs"]?.GetValue<double>() >= 5000);
        }

        var answer = await queued;
        var after = await PollAsync(status =>
            Load(status, ResourceNames.LanguageSystem) is { } load
            && (load["unresponsiveInstances"]?.GetValue<int>() ?? 0) == 0
            && StateApi.Long(load["serverErrors"] ?? 0) >= 6);

        Assert.NotEqual("SERVER_MODE_NORMAL", during["mode"]!.GetValue<string>());
        Assert.Contains("language-system not answering", during["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("de", answer.Locale);
        Assert.Equal(1, Load(after, ResourceNames.LanguageSystem)!["instances"]?.GetValue<int>());
    }

    [Fact]
    public async Task An_administrator_sets_survival_for_a_while_and_machine_translation_then_answers_from_its_fallback()
    {
        var admin = await Sessions.AdminAsync(system);
        var (player, _) = await _api.NewPlayerAsync();
        var survival = new JsonObject { ["mode"] = "SERVER_MODE_SURVIVAL", ["ttlSeconds"] = 60, ["reason"] = "integration test: AI off" }.ToJsonString();

        var (anonymous, _) = await _api.SendAsync(HttpMethod.Put, ServerModePath, survival);
        var (notAdmin, _) = await _api.SendAsync(HttpMethod.Put, ServerModePath, survival, token: player);
        var (badTtl, ttlProblem) = await _api.SendAsync(HttpMethod.Put, ServerModePath, """{"mode":"SERVER_MODE_SURVIVAL","ttlSeconds":0}""", token: admin);
        try
        {
            var (set, status) = await _api.SendAsync(HttpMethod.Put, ServerModePath, survival, token: admin);
            var (_, read) = await _api.SendAsync(HttpMethod.Get, ServerModePath);

            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (anonymous, notAdmin));
            Assert.Equal((HttpStatusCode.BadRequest, "ttlSeconds"), (badTtl, ttlProblem["field"]?.GetValue<string>()));
            Assert.Equal((HttpStatusCode.OK, "SERVER_MODE_SURVIVAL"), (set, status["mode"]!.GetValue<string>()));
            var expires = DateTimeOffset.Parse(status["overrideExpiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));
            Assert.Equal("SERVER_MODE_SURVIVAL", read["mode"]!.GetValue<string>());
            Assert.Contains("integration test: AI off", read["reason"]!.GetValue<string>(), StringComparison.Ordinal);

            // language-system reads the mode at most every two seconds: poll until it has.
            var request = new JsonObject { ["text"] = "The dragon guards the gold in the old tower.", ["targetLocale"] = "de", ["sourceLocale"] = "en" }.ToJsonString();
            var deadline = Stopwatch.StartNew();
            JsonObject translated = [];
            while (deadline.Elapsed < Patience)
            {
                (_, translated) = await _api.SendAsync(HttpMethod.Post, "/api/v1/language/machine-translate", request, token: player);
                if (translated["reason"]?.GetValue<string>()?.Contains("survival", StringComparison.Ordinal) == true)
                {
                    break;
                }

                await Task.Delay(250);
            }

            Assert.Equal("FALLBACK", translated["source"]?.GetValue<string>());
            Assert.Contains("the server is in survival mode", translated["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("Der Drache guards der Gold in der alt Turm.", translated["text"]!.GetValue<string>());
        }
        finally
        {
            // Hand back to the derived mode: an override of NORMAL that ends after a second.
            await _api.SendAsync(HttpMethod.Put, ServerModePath, """{"mode":"SERVER_MODE_NORMAL","ttlSeconds":1,"reason":"test over"}""", token: admin);
        }
    }

    private async Task<JsonObject> ReportAsync(string token, double fps, string tier)
    {
        var body = new JsonObject { ["fps"] = fps, ["frameTimeMs"] = 1000 / fps, ["pingMs"] = 40, ["deviceTier"] = tier }.ToJsonString();
        var (status, recommendation) = await _api.SendAsync(HttpMethod.Post, "/api/v1/performance/client-metrics", body, token: token);
        Assert.Equal(HttpStatusCode.OK, status);
        return recommendation;
    }

    private async Task<JsonObject> PollAsync(Func<JsonObject, bool> until)
    {
        var deadline = Stopwatch.StartNew();
        JsonObject status = [];
        while (deadline.Elapsed < Patience)
        {
            (_, status) = await _api.SendAsync(HttpMethod.Get, ServerModePath);
            if (until(status))
            {
                return status;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"the server mode never showed it: {status.ToJsonString()}");
        return status;
    }

    private static bool Changed(JsonObject recommendation) => recommendation["changed"]?.GetValue<bool>() ?? false;

    private static JsonObject? Load(JsonObject status, string service) =>
        status["services"]?.AsArray().FirstOrDefault(s => s!["service"]!.GetValue<string>() == service)?.AsObject();

    /// <summary>Stops a service's process where it stands (SIGSTOP) until disposed (SIGCONT): a service that hangs.</summary>
    private Frozen Freeze(string resource) => new(system.ServiceProcess(resource).Id);

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

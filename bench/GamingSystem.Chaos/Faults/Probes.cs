using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using GamingSystem.Chaos.Load;

namespace GamingSystem.Chaos.Faults;

/// <summary>
/// One cheap gateway call per process that only that process can answer: a killed service has recovered when its
/// probe is answered again (any answer that is not a fault; a dead service is a 503 from the gateway).
/// </summary>
internal sealed class Probes(GatewayClient gateway, HttpClient feedHttp, Player player, string stateKey, string workflowId)
{
    public async Task<bool> AnsweredAsync(string target, CancellationToken cancellationToken)
    {
        if (target == ResourceNames.EventBus)
        {
            return await FeedAnswersAsync(cancellationToken);
        }

        var (method, path, json) = Call(target);
        var reply = await gateway.SendAsync($"probe {target}", method, path, json, player.Token, cancellationToken);
        return !reply.Failed;
    }

    /// <summary>Whether there is a probe for the target: a resource added to the AppHost later needs one here.</summary>
    public static bool Knows(string target) => target == ResourceNames.EventBus || Calls(target, "k", "w") is not null;

    private (HttpMethod Method, string Path, string? Json) Call(string target) =>
        Calls(target, stateKey, workflowId) ?? throw new InvalidOperationException($"no probe for {target}");

    private static (HttpMethod, string, string?)? Calls(string target, string stateKey, string workflowId)
    {
        var probeValue = new JsonObject { ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("probe")) }.ToJsonString();
        return target switch
        {
            ResourceNames.Gateway => (HttpMethod.Get, "/api/v1/world/regions/ashford", null),
            ResourceNames.StateManager => (HttpMethod.Get, $"/api/v1/state/{stateKey}", null),
            ResourceNames.Auth => (HttpMethod.Get, "/api/v1/auth/session", null),
            ResourceNames.ModelManagement => (HttpMethod.Get, "/api/v1/models", null),
            ResourceNames.Settings => (HttpMethod.Get, "/api/v1/settings/me", null),
            ResourceNames.CapabilityRegistry => (HttpMethod.Get, "/api/v1/capabilities", null),
            ResourceNames.Router => (HttpMethod.Get, "/api/v1/commands", null),
            ResourceNames.Payment => (HttpMethod.Get, "/api/v1/wallet", null),
            ResourceNames.Orchestration => (HttpMethod.Get, $"/api/v1/workflows/{workflowId}", null),
            ResourceNames.AiIntegration => (HttpMethod.Get, "/api/v1/ai/providers", null),
            ResourceNames.AiRouter => (HttpMethod.Get, "/api/v1/ai/routing-stats", null),
            ResourceNames.QuestSystem => (HttpMethod.Get, "/api/v1/quests", null),
            ResourceNames.BodyBrokerIntegration => (HttpMethod.Get, "/api/v1/body-broker/offers", null),
            ResourceNames.NpcBehavior => (HttpMethod.Get, "/api/v1/npcs/chaos-probe", null),
            ResourceNames.StoryTeller => (HttpMethod.Get, "/api/v1/stories/chaos-probe", null),
            ResourceNames.KnowledgeBase => (HttpMethod.Post, "/api/v1/knowledge/search", """{"query":"river","topK":1}"""),
            ResourceNames.LanguageSystem => (HttpMethod.Get, "/api/v1/language/locales", null),
            ResourceNames.PerformanceMode => (HttpMethod.Get, "/api/v1/performance/server-mode", null),
            ResourceNames.WorldState => (HttpMethod.Get, "/api/v1/world/regions/ashford", null),
            ResourceNames.TimeManager => (HttpMethod.Get, "/api/v1/time", null),
            ResourceNames.WeatherManager => (HttpMethod.Get, "/api/v1/weather/ashford", null),
            ResourceNames.EnvironmentalNarrative => (HttpMethod.Get, "/api/v1/narrative/regions/ashford", null),
            // Any routed call crosses NATS; a state write reaches Redis (a read might be answered by a replica).
            _ when target.StartsWith(ResourceNames.Nats, StringComparison.Ordinal) => (HttpMethod.Get, "/api/v1/time", null),
            _ when target.StartsWith(ResourceNames.Redis, StringComparison.Ordinal) => (HttpMethod.Put, $"/api/v1/state/{stateKey}", probeValue),
            _ => null,
        };
    }

    /// <summary>event-bus serves the live feed: answered when a new feed delivers its first item (a heartbeat each second).</summary>
    private async Task<bool> FeedAnswersAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        using var request = new HttpRequestMessage(HttpMethod.Get, EventFeed.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", player.Token);
        var at = gateway.Recorder.Time.GetUtcNow();
        var answered = false;
        try
        {
            using var response = await feedHttp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(timeout.Token))
                {
                    answered = item.EventType == "message";
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }

        gateway.Recorder.Add(new Outcome(at, "probe event-bus", answered ? 200 : 0, gateway.Recorder.Time.GetUtcNow() - at, null));
        return answered;
    }
}

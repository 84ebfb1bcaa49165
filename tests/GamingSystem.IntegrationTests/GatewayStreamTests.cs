using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;

namespace GamingSystem.IntegrationTests;

/// <summary>A server-streaming method through the gateway: Server-Sent Events, one per message, then an end.</summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayStreamTests(SystemFixture system)
{
    private const string Path = "/api/v1/ai/generate/stream";
    private const string Body = """{"model":"local-markov-large","messages":[{"role":"ROLE_USER","content":"Tell me of the Greywatch towers"}],"maxTokens":12,"seed":"4"}""";

    [Fact]
    public async Task A_stream_arrives_as_server_sent_events_one_per_chunk_then_an_end()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", (await new StateApi(system.Gateway).NewPlayerAsync()).Token);

        using var response = await system.Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            events.Add(item);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var messages = events.Where(e => e.EventType == "message").ToList();
        Assert.True(messages.Count >= 2, $"{messages.Count} message events");
        Assert.Equal(Enumerable.Range(0, messages.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), messages.Select(m => m.EventId));
        Assert.Equal("end", events[^1].EventType);
        var chunks = messages.Select(m => JsonNode.Parse(m.Data)!.AsObject()).ToList();
        Assert.True(chunks[^1]["usage"]!["completionTokens"]!.GetValue<int>() is > 0 and <= 12);

        // The same seed, whole: the streamed deltas add up to the text of the unary route.
        using var whole = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ai/generate") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        whole.Headers.Authorization = request.Headers.Authorization;
        var text = JsonNode.Parse(await (await system.Gateway.SendAsync(whole)).Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Equal(text, string.Concat(chunks.Select(c => c["delta"]?.GetValue<string>() ?? "")));
    }

    [Fact]
    public async Task A_refused_stream_is_an_ordinary_problem_response_not_an_event_stream()
    {
        using var bad = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("""{"model":"local-markov-large","messages":[]}""", Encoding.UTF8, "application/json") };
        bad.Headers.Authorization = new("Bearer", (await new StateApi(system.Gateway).NewPlayerAsync()).Token);
        using var anonymous = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };

        using var badResponse = await system.Gateway.SendAsync(bad);
        using var anonymousResponse = await system.Gateway.SendAsync(anonymous);

        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        Assert.Equal("application/problem+json", badResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("messages", JsonNode.Parse(await badResponse.Content.ReadAsStringAsync())!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
    }
}

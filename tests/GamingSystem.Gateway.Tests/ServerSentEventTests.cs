using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using GamingSystem.ServiceDefaults.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>Server-streaming routes as Server-Sent Events, against a scripted stream over a real nats-server.</summary>
public sealed class ServerSentEventTests : IAsyncLifetime
{
    private readonly NatsServerFixture _nats = new();
    private IHost? _backend;
    private GatewayHost? _gateway;

    public async Task InitializeAsync()
    {
        await _nats.InitializeAsync();
        _backend = await StreamBackend.StartAsync(_nats.ConnectionString);
        _gateway = await GatewayHost.StartAsync(_nats.ConnectionString);
    }

    [Fact]
    public async Task Each_chunk_is_a_message_event_numbered_from_zero_then_an_end_event()
    {
        var (status, events) = await ReadAllAsync("three");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["message", "message", "message", "end"], events.Select(e => e.EventType));
        Assert.Equal(["0", "1", "2"], events.Take(3).Select(e => e.EventId));
        Assert.Equal(["word0 ", "word1 ", "word2 "], events.Take(3).Select(e => JsonNode.Parse(e.Data)!["delta"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_stream_that_fails_part_way_ends_with_an_error_event_holding_the_problem()
    {
        var (status, events) = await ReadAllAsync("fail");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["message", "message", "error"], events.Select(e => e.EventType));
        var problem = JsonNode.Parse(events[^1].Data)!;
        Assert.Equal("UNAVAILABLE", problem["code"]!.GetValue<string>());
        Assert.Equal(503, problem["status"]!.GetValue<int>());
        Assert.Contains("mid-sentence", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_the_services_work()
    {
        using (var response = await SendAsync("endless"))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            await using var events = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
            Assert.True(await events.MoveNextAsync());
            Assert.Equal("message", events.Current.EventType);
        }

        await _backend!.Services.GetRequiredService<StreamBackend.Abandoned>().Stream.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Without_a_token_the_stream_is_a_401_problem()
    {
        using var request = Request("three");
        request.Headers.Authorization = null;

        using var response = await _gateway!.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.StopAsync();
            _backend.Dispose();
        }

        await _nats.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, List<SseItem<string>> Events)> ReadAllAsync(string prompt)
    {
        using var response = await SendAsync(prompt);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            events.Add(item);
        }

        return (response.StatusCode, events);
    }

    private Task<HttpResponseMessage> SendAsync(string prompt) =>
        _gateway!.Http.SendAsync(Request(prompt), HttpCompletionOption.ResponseHeadersRead);

    private static HttpRequestMessage Request(string prompt)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ai/generate/stream")
        {
            Content = new StringContent($$"""{"model":"m","messages":[{"role":"ROLE_USER","content":"{{prompt}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StreamBackend.Token);
        return request;
    }
}

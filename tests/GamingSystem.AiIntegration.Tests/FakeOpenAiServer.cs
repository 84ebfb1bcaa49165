using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GamingSystem.AiIntegration.Tests;

/// <summary>
/// A tiny OpenAI chat-completions endpoint on 127.0.0.1 and a free port: answers the statuses queued in
/// <see cref="Failures"/> first (or, while <see cref="FailingWith"/> is set, that status to every request), then a completion of <see cref="Words"/>, as JSON or, for <c>"stream": true</c>, as SSE
/// chunks ending in a usage chunk and <c>data: [DONE]</c>.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string Model = "test-model";

    private readonly WebApplication _app;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public ConcurrentQueue<int> Failures { get; } = new();

    /// <summary>While set, every request is answered with this status: an endpoint that is down until further notice.</summary>
    public int? FailingWith { get; set; }

    public ConcurrentQueue<(string? Authorization, JsonNode Body)> Requests { get; } = new();

    public string[] Words { get; set; } = ["The", " lanterns", " burn", " on", " the", " river", "."];

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.AnswerAsync);
        await app.StartAsync();
        var address = app.Urls.Single();
        server.Endpoint = new Uri(address + "/v1");
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        Requests.Enqueue((context.Request.Headers.Authorization.ToString(), body));
        if (FailingWith is { } status || Failures.TryDequeue(out status))
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"scripted failure {status}", type = "test", code = status } });
            return;
        }

        var usage = new { prompt_tokens = 9, completion_tokens = Words.Length, total_tokens = 9 + Words.Length };
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = Model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(Words) }, finish_reason = "stop" } },
                usage,
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var word in Words)
        {
            await SendAsync(context, Chunk(new[] { new { index = 0, delta = (object)new { content = word }, finish_reason = (string?)null } }, usage: null));
        }

        await SendAsync(context, Chunk(new[] { new { index = 0, delta = (object)new { }, finish_reason = (string?)"length" } }, usage: null));
        await SendAsync(context, Chunk(Array.Empty<object>(), usage));
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static object Chunk(object choices, object? usage) =>
        new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1_700_000_000, model = Model, choices, usage };

    private static async Task SendAsync(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

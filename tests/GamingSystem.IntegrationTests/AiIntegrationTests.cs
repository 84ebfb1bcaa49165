using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.AiIntegration.Tests;
using GamingSystem.Contracts;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// ai-integration on the booted system, called through the SDK as another service would, and through the gateway: the
/// offline local provider, the OpenAI-compatible one (the fixture gives the AppHost ConnectionStrings:llm pointing at a
/// local fake endpoint), streams, usage, errors and evt.ai.generation_completed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AiIntegrationTests(SystemFixture system) : IAsyncLifetime
{
    private static readonly string CompletedSubject = EventContracts.SubjectOf(GenerationCompleted.Descriptor)!;

    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Generate_is_deterministic_for_a_seed_and_reports_usage_and_latency()
    {
        var first = await GenerateAsync(Request("local-markov-large", seed: 1234));
        var second = await GenerateAsync(Request("local-markov-large", seed: 1234));
        var other = await GenerateAsync(Request("local-markov-large", seed: 4321));

        Assert.False(string.IsNullOrWhiteSpace(first.Text));
        Assert.Equal(first.Text, second.Text);
        Assert.NotEqual(first.Text, other.Text);
        Assert.Equal(("local-markov-large", "local"), (first.Model, first.Provider));
        Assert.True(first.Usage.PromptTokens > 0 && first.Usage.CompletionTokens > 0);
        Assert.Equal(first.Usage.PromptTokens + first.Usage.CompletionTokens, first.Usage.TotalTokens);
        Assert.True(first.LatencyMs >= 0);
        Assert.NotEqual(FinishReason.Unspecified, first.FinishReason);
    }

    [Fact]
    public async Task Max_tokens_ends_a_generation_with_finish_reason_length()
    {
        var response = await GenerateAsync(Request("local-markov-small", seed: 2, maxTokens: 3));

        Assert.Equal((3, FinishReason.Length), (response.Usage.CompletionTokens, response.FinishReason));
    }

    [Fact]
    public async Task StreamGenerate_delivers_several_chunks_in_order_then_a_final_one_with_usage_and_the_same_text_as_generate()
    {
        var request = Request("local-markov-small", seed: 77, maxTokens: 30);
        var whole = await GenerateAsync(request);
        var chunks = new List<GenerateChunk>();
        await foreach (var chunk in _bus.Services.StreamAsync<GenerateChunk>(Method("StreamGenerate"), request, new CallOptions { Timeout = TimeSpan.FromSeconds(30) }))
        {
            chunks.Add(chunk);
        }

        Assert.True(chunks.Count > 5, $"{chunks.Count} chunks");
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        Assert.Equal(whole.Text, string.Concat(chunks.Select(c => c.Delta)));
        Assert.All(chunks[..^1], c => Assert.True(c.Usage is null && c.FinishReason == FinishReason.Unspecified && c.Delta.Length > 0));
        var last = chunks[^1];
        Assert.Equal((string.Empty, whole.FinishReason), (last.Delta, last.FinishReason));
        Assert.NotEqual(FinishReason.Unspecified, last.FinishReason);
        Assert.Equal(whole.Usage, last.Usage);
        Assert.Equal(chunks.Count - 1, last.Usage.CompletionTokens);
    }

    [Fact]
    public async Task ListProviders_shows_the_local_provider_with_the_seeded_models_and_the_configured_openai_one()
    {
        var providers = await _bus.Services.RequestAsync<ListProvidersResponse>(Method("ListProviders"), new ListProvidersRequest());
        using var http = await system.Gateway.GetAsync("/api/v1/ai/providers");

        var local = Assert.Single(providers.Providers, p => p.Name == "local");
        Assert.True(local.Available);
        Assert.Equal(["local-markov-large", "local-markov-small"], local.Models);
        var openai = Assert.Single(providers.Providers, p => p.Name == "openai");
        Assert.Equal(("openai-compatible", true), (openai.Kind, openai.Available));
        Assert.Equal([FakeOpenAiServer.Model], openai.Models);
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Contains("local-markov-small", await http.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openai_compatible_provider_answers_whole_and_streamed_with_the_endpoints_usage()
    {
        var request = Request(FakeOpenAiServer.Model, seed: 3, maxTokens: 50);

        var whole = await GenerateAsync(request);
        var chunks = new List<GenerateChunk>();
        await foreach (var chunk in _bus.Services.StreamAsync<GenerateChunk>(Method("StreamGenerate"), request))
        {
            chunks.Add(chunk);
        }

        Assert.Equal(("The lanterns burn on the river.", "openai", FinishReason.Stop), (whole.Text, whole.Provider, whole.FinishReason));
        Assert.Equal(new Usage { PromptTokens = 9, CompletionTokens = 7, TotalTokens = 16 }, whole.Usage);
        Assert.Equal(system.Llm.Words, chunks[..^1].Select(c => c.Delta));
        Assert.Equal((FinishReason.Length, 7), (chunks[^1].FinishReason, chunks[^1].Usage.CompletionTokens));
        var (authorization, body) = system.Llm.Requests.Last();
        Assert.Equal($"Bearer {SystemFixture.LlmKey}", authorization);
        Assert.Equal((50, 3L), (body["max_completion_tokens"]?.GetValue<int>() ?? body["max_tokens"]!.GetValue<int>(), body["seed"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_rejected_key_is_a_failed_precondition_naming_the_provider_not_retried_and_the_key_is_not_logged()
    {
        var before = system.Llm.Requests.Count;
        system.Llm.Failures.Enqueue(401);

        var error = await Assert.ThrowsAsync<ServiceException>(() => GenerateAsync(Request(FakeOpenAiServer.Model, seed: 1)));

        Assert.Equal(ErrorCode.FailedPrecondition, error.Code);
        Assert.Contains("provider 'openai' refused the configured key", error.Message, StringComparison.Ordinal);
        Assert.Equal(before + 1, system.Llm.Requests.Count);
        Assert.DoesNotContain(SystemFixture.LlmKey, await system.RecentLogsAsync(ResourceNames.AiIntegration, lines: 1000), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_retried_and_one_that_lasts_is_unavailable_naming_the_provider()
    {
        var patient = new CallOptions { Timeout = TimeSpan.FromSeconds(60) };
        system.Llm.Failures.Enqueue(500);
        var before = system.Llm.Requests.Count;

        var recovered = await _bus.Services.RequestAsync<GenerateResponse>(Method("Generate"), Request(FakeOpenAiServer.Model, seed: 1), patient);
        var retried = system.Llm.Requests.Count - before;
        for (var i = 0; i < 4; i++)
        {
            system.Llm.Failures.Enqueue(429);
        }

        var error = await Assert.ThrowsAsync<ServiceException>(() => _bus.Services.RequestAsync<GenerateResponse>(Method("Generate"), Request(FakeOpenAiServer.Model, seed: 1), patient));

        Assert.Equal("The lanterns burn on the river.", recovered.Text);
        Assert.Equal(2, retried);
        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("provider 'openai'", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, GenerateRequest, ErrorCode, string> BadRequests() => new()
    {
        { "no messages", new GenerateRequest { Model = "local-markov-small" }, ErrorCode.InvalidArgument, "messages" },
        { "empty content", With(r => r.Messages[0].Content = " "), ErrorCode.InvalidArgument, "messages[0].content" },
        { "no role", With(r => r.Messages[0].Role = Role.Unspecified), ErrorCode.InvalidArgument, "messages[0].role" },
        { "no model", With(r => r.Model = ""), ErrorCode.InvalidArgument, "model" },
        { "unknown model", With(r => r.Model = "gpt-imaginary"), ErrorCode.NotFound, "model" },
        { "negative max_tokens", With(r => r.MaxTokens = -1), ErrorCode.InvalidArgument, "maxTokens" },
        { "huge max_tokens", With(r => r.MaxTokens = 100_000), ErrorCode.InvalidArgument, "maxTokens" },
        { "negative temperature", With(r => r.Temperature = -0.1), ErrorCode.InvalidArgument, "temperature" },
        { "hot temperature", With(r => r.Temperature = 2.5), ErrorCode.InvalidArgument, "temperature" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_refused_naming_the_field_whole_or_streamed(string because, GenerateRequest request, ErrorCode code, string field)
    {
        var whole = await Assert.ThrowsAsync<ServiceException>(() => GenerateAsync(request));
        var streamed = await Assert.ThrowsAsync<ServiceException>(async () =>
        {
            await foreach (var unused in _bus.Services.StreamAsync<GenerateChunk>(Method("StreamGenerate"), request))
            {
            }
        });

        Assert.True((code, field) == (whole.Code, whole.Error.Field), $"{because}: {whole.Code} {whole.Message}");
        Assert.Equal((code, field), (streamed.Code, streamed.Error.Field));
    }

    [Fact]
    public async Task Every_generation_publishes_generation_completed_on_the_ai_stream()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        // A prompt of a length no other test uses marks this test's events.
        var promptWords = Random.Shared.Next(200, 2000);
        var request = new GenerateRequest
        {
            Model = "local-markov-small",
            Seed = 5,
            MaxTokens = 9,
            Messages = { new ChatMessage { Role = Role.User, Content = string.Join(' ', Enumerable.Repeat("lantern", promptWords)) } },
        };
        var whole = await GenerateAsync(request);
        await foreach (var unused in _bus.Services.StreamAsync<GenerateChunk>(Method("StreamGenerate"), request))
        {
        }

        var events = await WaitForAsync(since, e => e.Usage.PromptTokens == promptWords, count: 2);

        // Same seed and prompt, so the streamed generation made the same text as the whole one.
        Assert.All(events, e => Assert.Equal(("local-markov-small", "local", whole.Usage, whole.FinishReason), (e.Model, e.Provider, e.Usage, e.FinishReason)));
        Assert.Equal([false, true], events.Select(e => e.Streamed).Order());
        Assert.All(events, e => Assert.True(e.LatencyMs >= 0));
    }

    [Fact]
    public async Task Through_the_gateway_a_player_generates_with_a_bearer_token_and_no_token_is_401()
    {
        var api = new StateApi(system.Gateway);
        var token = (await api.NewPlayerAsync()).Token;
        const string Body = """{"model":"local-markov-large","messages":[{"role":"ROLE_USER","content":"Who keeps the towers of the Greywatch?"}],"maxTokens":25,"seed":"9"}""";

        var (status, reply) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/generate", Body, token: token);
        var (again, replayed) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/generate", Body, token: token);
        var (anonymous, _) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/generate", Body);
        var (bad, problem) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/generate", """{"model":"local-markov-large","messages":[]}""", token: token);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, again));
        Assert.False(string.IsNullOrWhiteSpace(reply["text"]!.GetValue<string>()));
        Assert.Equal(reply["text"]!.GetValue<string>(), replayed["text"]!.GetValue<string>());
        Assert.Equal("local", reply["provider"]!.GetValue<string>());
        Assert.True(reply["usage"]!["completionTokens"]!.GetValue<int>() is > 0 and <= 25);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("messages", problem["field"]!.GetValue<string>());
    }

    private static Google.Protobuf.Reflection.MethodDescriptor Method(string name) => ContractRegistry.AiIntegration.FindMethodByName(name);

    private Task<GenerateResponse> GenerateAsync(GenerateRequest request) =>
        _bus.Services.RequestAsync<GenerateResponse>(Method("Generate"), request);

    private static GenerateRequest Request(string model, long seed, int maxTokens = 0) => new()
    {
        Model = model,
        Seed = seed,
        MaxTokens = maxTokens,
        Messages =
        {
            new ChatMessage { Role = Role.System, Content = "You are the chronicler of Varrow." },
            new ChatMessage { Role = Role.User, Content = "What do the fishers of Saltmoor say about dragons?" },
        },
    };

    private static GenerateRequest With(Action<GenerateRequest> change)
    {
        var request = Request("local-markov-small", seed: 1);
        change(request);
        return request;
    }

    private async Task<List<GenerationCompleted>> WaitForAsync(DateTimeOffset since, Func<GenerationCompleted, bool> match, int count)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var replay = await _bus.Services.RequestAsync<ReplayResponse>(
                ContractRegistry.EventBus.FindMethodByName("Replay"),
                new ReplayRequest { SubjectFilter = CompletedSubject, FromTime = Timestamp.FromDateTimeOffset(since), Limit = 1000 });
            var found = replay.Events.Where(e => e.Stream == "AI").Select(e => GenerationCompleted.Parser.ParseFrom(e.Payload)).Where(match).ToList();
            if (found.Count >= count || DateTimeOffset.UtcNow > deadline)
            {
                Assert.Equal(count, found.Count);
                return found;
            }

            await Task.Delay(100);
        }
    }
}

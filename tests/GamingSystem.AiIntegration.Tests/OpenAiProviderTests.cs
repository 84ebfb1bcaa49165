using System.Collections.Concurrent;
using GamingSystem.AiIntegration.OpenAi;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GamingSystem.AiIntegration.Tests;

/// <summary>
/// The OpenAI-compatible provider as the service builds it (service defaults, ConnectionStrings:llm, the "llm" HttpClient's
/// resilience pipeline), against a local endpoint that speaks the chat-completions protocol.
/// </summary>
public sealed class OpenAiProviderTests : IAsyncLifetime
{
    private const string Key = "sk-test-7f3a9c-never-log-me";

    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Light the lanterns.")];

    private readonly ConcurrentQueue<string> _logs = new();
    private FakeOpenAiServer _server = null!;
    private IHost _host = null!;

    private AiProvider Provider => _host.Services.GetRequiredService<ProviderCatalog>().Resolve(FakeOpenAiServer.Model);

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:llm"] = $"Endpoint={_server.Endpoint};Key={Key};Model={FakeOpenAiServer.Model}",
            [$"{OpenAiProvider.ResilienceSection}:Retry:Delay"] = "00:00:00.010",
            [$"{OpenAiProvider.ResilienceSection}:Retry:MaxRetryAttempts"] = "3",
        });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new CollectingLoggerProvider(_logs));
        builder.AddServiceDefaults();
        builder.AddAiProviders();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_completion_comes_back_with_the_endpoints_usage_and_the_key_as_bearer_token()
    {
        var response = await Provider.Client.GetResponseAsync(Prompt, new ChatOptions { ModelId = FakeOpenAiServer.Model, MaxOutputTokens = 20, Temperature = 0.5f, Seed = 4 });

        Assert.Equal("The lanterns burn on the river.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal((9L, 7L, 16L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
        var (authorization, body) = Assert.Single(_server.Requests);
        Assert.Equal($"Bearer {Key}", authorization);
        Assert.Equal(FakeOpenAiServer.Model, body["model"]!.GetValue<string>());
        Assert.Equal(4, body["seed"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_stream_of_server_sent_events_arrives_as_updates_with_the_finish_reason_and_usage_last()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Provider.Client.GetStreamingResponseAsync(Prompt, new ChatOptions { ModelId = FakeOpenAiServer.Model }))
        {
            updates.Add(update);
        }

        Assert.Equal(_server.Words, updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Length);
        Assert.Equal(7, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.OutputTokenCount);
    }

    [Fact]
    public async Task A_server_error_is_retried_and_then_succeeds()
    {
        _server.Failures.Enqueue(500);
        _server.Failures.Enqueue(503);

        var response = await Provider.Client.GetResponseAsync(Prompt, new ChatOptions { ModelId = FakeOpenAiServer.Model });

        Assert.Equal("The lanterns burn on the river.", response.Text);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task A_rejected_key_is_not_retried_and_is_a_clear_failed_precondition_naming_the_provider()
    {
        _server.Failures.Enqueue(401);

        var error = await FailureAsync();

        Assert.Equal(ErrorCode.FailedPrecondition, error.Code);
        Assert.Contains("'openai'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Key=", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        Assert.Equal("401", error.Error.Details["http_status"]);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData(429, "rate limiting")]
    [InlineData(502, "HTTP 502")]
    public async Task Rate_limits_and_server_errors_that_last_are_retried_then_unavailable_naming_the_provider(int status, string says)
    {
        for (var i = 0; i < 4; i++)
        {
            _server.Failures.Enqueue(status);
        }

        var error = await FailureAsync();

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("provider 'openai'", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task An_endpoint_that_is_not_there_is_unavailable()
    {
        var endpoint = _server.Endpoint;
        await _server.DisposeAsync();
        _server = await FakeOpenAiServer.StartAsync();

        var error = await FailureAsync(new ChatOptions { ModelId = FakeOpenAiServer.Model }, endpoint);

        Assert.Equal(ErrorCode.Unavailable, error.Code);
    }

    [Fact]
    public async Task The_key_is_never_logged()
    {
        _server.Failures.Enqueue(401);
        _server.Failures.Enqueue(500);
        await FailureAsync();
        await Provider.Client.GetResponseAsync(Prompt, new ChatOptions { ModelId = FakeOpenAiServer.Model });

        Assert.NotEmpty(_logs);
        Assert.DoesNotContain(_logs, l => l.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public void The_connection_string_is_parsed_and_shown_without_its_key()
    {
        var connection = LlmConnection.Parse($"Endpoint=http://localhost:11434/v1;Key={Key};Model=llama3.2");
        var keyless = LlmConnection.Parse("Endpoint=http://localhost:11434/v1;Model=llama3.2");

        Assert.Equal((new Uri("http://localhost:11434/v1"), Key, "llama3.2"), (connection.Endpoint, connection.Key, connection.Model));
        Assert.DoesNotContain(Key, connection.ToString(), StringComparison.Ordinal);
        Assert.Null(keyless.Key);
        Assert.Contains("Model=", Assert.Throws<FormatException>(() => LlmConnection.Parse($"Endpoint=http://x/v1;Key={Key}")).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, Assert.Throws<FormatException>(() => LlmConnection.Parse($"Endpoint=ftp://x;Key={Key};Model=m")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_resilience_overrides_the_provider_is_built_with_the_defaults()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:llm"] = $"Endpoint={_server.Endpoint};Model={FakeOpenAiServer.Model}" });
        builder.AddServiceDefaults();
        builder.AddAiProviders();
        using var host = builder.Build();

        var provider = host.Services.GetRequiredService<ProviderCatalog>().Resolve(FakeOpenAiServer.Model);
        var response = await provider.Client.GetResponseAsync(Prompt, new ChatOptions { ModelId = FakeOpenAiServer.Model });

        Assert.Equal("The lanterns burn on the river.", response.Text);
        Assert.Equal("Bearer none", _server.Requests.Single().Authorization);
    }

    [Fact]
    public void Both_providers_are_listed_with_their_models()
    {
        var providers = _host.Services.GetRequiredService<ProviderCatalog>().List().Providers;

        Assert.Equal(["local", "openai"], providers.Select(p => p.Name));
        Assert.All(providers, p => Assert.True(p.Available));
        Assert.Equal([FakeOpenAiServer.Model], providers[1].Models);
        Assert.Equal("openai-compatible", providers[1].Kind);
    }

    private async Task<ServiceException> FailureAsync(ChatOptions? options = null, Uri? endpoint = null)
    {
        var provider = endpoint is null ? Provider : OpenAiProvider.Create(
            LlmConnection.Parse($"Endpoint={endpoint};Key={Key};Model={FakeOpenAiServer.Model}"),
            _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAiProvider.HttpClientName));
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(Prompt, options ?? new ChatOptions { ModelId = FakeOpenAiServer.Model }));
        return provider.Errors!(failure) ?? throw new Xunit.Sdk.XunitException($"unmapped: {failure}");
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Http.Resilience;
using OpenAI;

namespace GamingSystem.AiIntegration.OpenAi;

/// <summary>
/// Any endpoint that speaks OpenAI's chat-completions protocol (OpenAI, Ollama, vLLM, LM Studio...), through
/// Microsoft.Extensions.AI's OpenAI adapter, configured by <c>ConnectionStrings:llm</c> alone.
/// </summary>
public static class OpenAiProvider
{
    public const string Name = "openai";
    public const string Kind = "openai-compatible";
    public const string HttpClientName = "llm";

    /// <summary>Overrides of the HTTP resilience pipeline (<see cref="HttpStandardResilienceOptions"/>), e.g. <c>Ai:Llm:Resilience:Retry:MaxRetryAttempts</c>.</summary>
    public const string ResilienceSection = "Ai:Llm:Resilience";

    /// <summary>
    /// The "llm" HttpClient with a resilience pipeline of its own instead of the service defaults' one: a generation takes
    /// far longer than the 10 s the defaults give an attempt. 429 and 5xx are retried with jittered exponential backoff
    /// (honouring Retry-After), 401 is not.
    /// </summary>
    public static IServiceCollection AddLlmHttpClient(this IServiceCollection services, IConfiguration configuration)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; without it the defaults' pipeline would wrap ours and retry twice over.
        var resilience = services.AddHttpClient(HttpClientName)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler()
            .Configure(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(60);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(180);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(120);
                o.Retry.Delay = TimeSpan.FromSeconds(1);
            });
#pragma warning restore EXTEXP0001
        // Binding an absent section throws ("Configuration section cannot be empty"), and overrides are rare.
        if (configuration.GetSection(ResilienceSection) is { } overrides && overrides.Exists())
        {
            resilience.Configure(overrides);
        }

        return services;
    }

    public static AiProvider Create(LlmConnection connection, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new OpenAIClientOptions
        {
            Endpoint = connection.Endpoint,
            Transport = new HttpClientPipelineTransport(http),
            // The HttpClient's pipeline retries; the SDK's own retries would multiply its attempts.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        // An endpoint without keys still gets an Authorization header; the OpenAI SDK insists on a credential.
        var client = new OpenAIClient(new ApiKeyCredential(connection.Key ?? "none"), options)
            .GetChatClient(connection.Model)
            .AsIChatClient();
        return new AiProvider(Name, Kind, [connection.Model], client, e => OpenAiErrors.Map(Name, e));
    }
}

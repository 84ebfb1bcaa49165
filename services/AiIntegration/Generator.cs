using System.Runtime.CompilerServices;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.AI;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatMessage = GamingSystem.Contracts.AiIntegration.V1.ChatMessage;

namespace GamingSystem.AiIntegration;

/// <summary>
/// One generation, whole or streamed: checks the request, finds the model's provider, measures usage and latency,
/// turns the provider's failures into service errors and publishes evt.ai.generation_completed.
/// </summary>
public sealed partial class Generator(ProviderCatalog catalog, GenerationEvents events, TimeProvider time, ILogger<Generator> logger)
{
    public async Task<GenerateResponse> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (provider, messages, options) = Prepare(request);
        var started = time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await provider.Client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(provider, ex) is { } failure)
        {
            throw failure;
        }

        var latency = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var usage = Usage(response.Usage, request.Messages, response.Text);
        var finish = Finish(response.FinishReason);
        await events.CompletedAsync(Completed(request.Model, provider, usage, latency, finish, streamed: false)).ConfigureAwait(false);
        return new GenerateResponse { Text = response.Text, FinishReason = finish, Usage = usage, Model = request.Model, Provider = provider.Name, LatencyMs = latency };
    }

    /// <summary>Chunks 0, 1, 2... each with a delta of text, then one more with no text, the finish reason and the usage.</summary>
    public async IAsyncEnumerable<GenerateChunk> StreamAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (provider, messages, options) = Prepare(request);
        var started = time.GetTimestamp();
        var index = 0;
        var text = new System.Text.StringBuilder();
        UsageDetails? reported = null;
        ChatFinishReason? reason = null;
        var updates = provider.Client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            while (await NextAsync(provider, updates).ConfigureAwait(false))
            {
                var update = updates.Current;
                reason = update.FinishReason ?? reason;
                reported = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? reported;
                if (update.Text is { Length: > 0 } delta)
                {
                    text.Append(delta);
                    yield return new GenerateChunk { Index = index++, Delta = delta };
                }
            }
        }

        var latency = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var usage = Usage(reported, request.Messages, text.ToString());
        var finish = Finish(reason);
        await events.CompletedAsync(Completed(request.Model, provider, usage, latency, finish, streamed: true)).ConfigureAwait(false);
        yield return new GenerateChunk { Index = index, FinishReason = finish, Usage = usage };
    }

    private (AiProvider Provider, List<AiChatMessage> Messages, ChatOptions Options) Prepare(GenerateRequest request)
    {
        GenerationRules.Check(request);
        var provider = catalog.Resolve(request.Model);
        var messages = request.Messages.Select(m => new AiChatMessage(Role(m.Role), m.Content)).ToList();
        var options = new ChatOptions
        {
            ModelId = request.Model,
            MaxOutputTokens = request.MaxTokens == 0 ? null : request.MaxTokens,
            Temperature = request.HasTemperature ? (float)request.Temperature : null,
            Seed = request.HasSeed ? request.Seed : null,
        };
        return (provider, messages, options);
    }

    private async ValueTask<bool> NextAsync(AiProvider provider, IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(provider, ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The provider's mapping of its failure, logged; null (rethrown as is) for cancellation and for bugs.</summary>
    private ServiceException? Failure(AiProvider provider, Exception exception)
    {
        if (exception is OperationCanceledException or ServiceException || provider.Errors?.Invoke(exception) is not { } failure)
        {
            return null;
        }

        LogProviderFailed(exception, provider.Name, ErrorCodes.ToName(failure.Code));
        return failure;
    }

    /// <summary>What the provider reported; what it left out, counted here with the local provider's tokens.</summary>
    private static Usage Usage(UsageDetails? reported, IEnumerable<ChatMessage> prompt, string completion)
    {
        var input = (int?)reported?.InputTokenCount ?? prompt.Sum(m => Tokens.Count(m.Content));
        var output = (int?)reported?.OutputTokenCount ?? Tokens.Count(completion);
        return new Usage { PromptTokens = input, CompletionTokens = output, TotalTokens = (int?)reported?.TotalTokenCount ?? input + output };
    }

    private static FinishReason Finish(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? FinishReason.Length : FinishReason.Stop;

    private static ChatRole Role(Role role) => role switch
    {
        Contracts.AiIntegration.V1.Role.System => ChatRole.System,
        Contracts.AiIntegration.V1.Role.Assistant => ChatRole.Assistant,
        _ => ChatRole.User,
    };

    private static GenerationCompleted Completed(string model, AiProvider provider, Usage usage, long latency, FinishReason finish, bool streamed) =>
        new() { Model = model, Provider = provider.Name, Usage = usage, LatencyMs = latency, Streamed = streamed, FinishReason = finish };

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Provider {Provider} failed; answered {Code}")]
    private partial void LogProviderFailed(Exception exception, string provider, string code);
}

using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace GamingSystem.AiIntegration.Local;

/// <summary>
/// The offline "local" provider as an <see cref="IChatClient"/>: one Markov model per model id, trained on the bundled
/// lore. Deterministic for a seed: the same seed, model, messages, temperature and token limit give the same text,
/// streamed one token per update; the last update carries the finish reason and the usage.
/// </summary>
internal sealed class MarkovChatClient(IReadOnlyDictionary<string, MarkovModel> models) : IChatClient
{
    /// <summary>The token limit when the caller sets none: a lore paragraph is well under it, so it ends by itself.</summary>
    public const int DefaultMaxTokens = 256;

    public const double DefaultTemperature = 1.0;

    /// <summary>Prompt words shorter than this ("the", "and") would tie the text to nothing in particular.</summary>
    private const int MinTopicWordLength = 4;

    private static readonly ChatClientMetadata Metadata = new("local");

    public IReadOnlyCollection<string> ModelIds => [.. models.Keys.Order(StringComparer.Ordinal)];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var modelId = options?.ModelId ?? throw new ArgumentException("ChatOptions.ModelId names the local model to use.", nameof(options));
        var model = models.GetValueOrDefault(modelId) ?? throw new ArgumentException($"The local provider has no model '{modelId}'.", nameof(options));
        var prompt = Prompt(messages);
        var maxTokens = options.MaxOutputTokens ?? DefaultMaxTokens;
        var seed = (ulong)(options.Seed ?? Random.Shared.NextInt64()) ^ SplitMix64.Hash(modelId + "\0" + prompt.Text);
        var responseId = Guid.NewGuid().ToString("N");

        var produced = 0;
        var finish = ChatFinishReason.Stop;
        using (var tokens = model.Generate(seed, prompt.Words, options.Temperature ?? DefaultTemperature).GetEnumerator())
        {
            while (tokens.MoveNext())
            {
                if (produced == maxTokens)
                {
                    finish = ChatFinishReason.Length;
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return new ChatResponseUpdate(ChatRole.Assistant, Tokens.Delta(tokens.Current, produced == 0)) { ModelId = modelId, ResponseId = responseId };
                produced++;
                // Each token is its own step, as a remote model's would be: the caller can send it before the next is made.
                await Task.Yield();
            }
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = modelId,
            ResponseId = responseId,
            FinishReason = finish,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = prompt.TokenCount, OutputTokenCount = produced, TotalTokenCount = prompt.TokenCount + produced })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private static (string Text, int TokenCount, IReadOnlySet<string> Words) Prompt(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        var count = 0;
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var message in messages)
        {
            text.Append(message.Role.Value).Append(':').Append(message.Text).Append('\n');
            foreach (var token in Tokens.Split(message.Text))
            {
                count++;
                if (message.Role == ChatRole.User && token.Length >= MinTopicWordLength && Tokens.IsWord(token))
                {
                    words.Add(token);
                }
            }
        }

        return (text.ToString(), count, words);
    }
}

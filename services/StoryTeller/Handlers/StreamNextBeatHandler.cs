using System.Runtime.CompilerServices;
using System.Text;
using GamingSystem.Contracts;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace GamingSystem.StoryTeller.Handlers;

/// <summary>
/// NextBeat as it is written: each piece of text as the model streams it from ai-integration, then a last chunk with
/// the whole beat. When the model cannot be asked (survival mode, ai-integration down, nothing streamed), the
/// planner's text is sent word by word instead. The deltas in order always make the beat's text.
/// </summary>
public sealed partial class StreamNextBeatHandler(BeatWriter writer, AiContent ai, ServiceClient client, IOptions<StoryOptions> options, ILogger<StreamNextBeatHandler> logger)
    : IStreamHandler<NextBeatRequest, BeatChunk>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor StreamGenerate = ContractRegistry.AiIntegration.FindMethodByName("StreamGenerate");

    public IAsyncEnumerable<BeatChunk> HandleAsync(NextBeatRequest request, CallContext context) => StreamAsync(request, context, context.CancellationToken);

    private async IAsyncEnumerable<BeatChunk> StreamAsync(NextBeatRequest request, CallContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var plan = await writer.PlanAsync(request, context).ConfigureAwait(false);
        if (plan.Replay is { } replay)
        {
            yield return new BeatChunk { Index = 0, Delta = replay.Text };
            yield return new BeatChunk { Index = 1, Beat = replay };
            yield break;
        }

        var text = new StringBuilder();
        var index = 0;
        var source = ContentSource.Fallback;
        if (await ai.ModeAsync(cancellationToken).ConfigureAwait(false) != ServerMode.Survival)
        {
            await using var model = client.StreamAsync<GenerateChunk>(StreamGenerate, Request(plan.Prompt), null, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                string delta;
                try
                {
                    if (!await model.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    delta = text.Length == 0 ? model.Current.Delta.TrimStart() : model.Current.Delta;
                }
                catch (Exception ex) when (ex is ServiceException or TimeoutException or NATS.Client.Core.NatsException
                                               || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // Before any text: the planner's text instead. After some: the beat is what was written.
                    LogModelFailed(ex.Message, text.Length);
                    break;
                }

                if (delta.Length > 0)
                {
                    text.Append(delta);
                    source = ContentSource.Ai;
                    yield return new BeatChunk { Index = index++, Delta = delta };
                }
            }
        }

        if (source == ContentSource.Fallback)
        {
            foreach (var word in Words(plan.FallbackText))
            {
                text.Append(word);
                yield return new BeatChunk { Index = index++, Delta = word };
            }
        }

        var beat = await writer.CommitAsync(plan, text.ToString(), source).ConfigureAwait(false);
        yield return new BeatChunk { Index = index, Beat = beat };
    }

    private GenerateRequest Request(AiPrompt prompt)
    {
        var request = new GenerateRequest
        {
            Model = options.Value.StreamModel,
            MaxTokens = prompt.MaxTokens,
            Messages =
            {
                new ChatMessage { Role = Role.System, Content = prompt.SystemPrompt },
                new ChatMessage { Role = Role.User, Content = prompt.Prompt },
            },
        };
        if (prompt.Seed is { } seed)
        {
            request.Seed = seed;
        }

        return request;
    }

    /// <summary>Each word with the space before it, so the pieces concatenate to the text.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            yield return i == 0 ? words[i] : " " + words[i];
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "The model's stream failed after {Length} characters: {Reason}")]
    private partial void LogModelFailed(string reason, int length);
}

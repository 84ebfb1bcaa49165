using System.Text;
using System.Text.RegularExpressions;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.KnowledgeBase.Domain;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.KnowledgeBase.Handlers;

/// <summary>
/// Retrieval, then a model answers from the passages, numbered [1], [2]...; the citations are the passages the answer
/// marks (all of them when a model marks none). Without a model, <see cref="ExtractiveAnswer"/> quotes the passages.
/// </summary>
public sealed partial class AnswerHandler(KnowledgeStore store, AiContent ai) : IServiceHandler<AnswerRequest, AnswerResponse>
{
    private const string Instructions =
        "You answer questions about the world of the game from the numbered passages given, and from nothing else. " +
        "Mark each statement with the passage it comes from, e.g. [1]. If the passages do not answer, say so.";

    public async ValueTask<AnswerResponse> HandleAsync(AnswerRequest request, CallContext context)
    {
        KnowledgeRules.Query(request.Question, "question");
        var topK = KnowledgeRules.TopK(request.TopK, KnowledgeRules.DefaultAnswerPassages, KnowledgeRules.MaxAnswerPassages);
        var terms = TextAnalyzer.Terms(request.Question).Distinct().ToList();
        var passages = terms.Count == 0 ? [] : await store.SearchAsync(terms, topK, []).ConfigureAwait(false);
        var (extract, quoted) = ExtractiveAnswer.Compose(request.Question, passages);
        if (passages.Count == 0)
        {
            return new AnswerResponse { Answer = extract, Source = ContentSource.Fallback };
        }

        var prompt = new StringBuilder();
        for (var i = 0; i < passages.Count; i++)
        {
            prompt.Append('[').Append(i + 1).Append("] ").Append(passages[i].Title).Append(": ").AppendLine(passages[i].Text);
        }

        prompt.Append("\nQuestion: ").AppendLine(request.Question.Trim()).Append("Answer:");
        var text = await ai.GenerateAsync(new AiPrompt(TaskType.Answer, prompt.ToString()) { SystemPrompt = Instructions, MaxTokens = 160, Seed = 7 }, () => extract, context.CancellationToken).ConfigureAwait(false);
        var used = text.Source == ContentSource.Ai ? Marked(text.Text, passages.Count) : quoted;
        return new AnswerResponse
        {
            Answer = text.Text,
            Source = text.Source,
            ModelId = text.Model,
            Citations = { used.Select(i => new Citation { DocId = passages[i].DocId, ChunkIndex = passages[i].ChunkIndex, Title = passages[i].Title, Score = passages[i].Score }) },
        };
    }

    /// <summary>The passages an answer marks ([n]), in order; every passage given when it marks none.</summary>
    private static IReadOnlyList<int> Marked(string answer, int count)
    {
        var marked = Marker().Matches(answer).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1)
            .Where(i => i >= 0 && i < count).Distinct().Order().ToList();
        return marked.Count > 0 ? marked : [.. Enumerable.Range(0, count)];
    }

    [GeneratedRegex(@"\[(\d{1,2})\]")]
    private static partial Regex Marker();
}

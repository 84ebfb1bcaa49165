using GamingSystem.Contracts.KnowledgeBase.V1;

namespace GamingSystem.KnowledgeBase.Domain;

/// <summary>
/// The answer when no model does: the sentences of the retrieved passages that share the most terms with the
/// question (at most three, at least half as close as the closest, in the passages' rank order), each marked with the passage it came from, [1], [2]...
/// It returns which passages it quoted, so only those are cited.
/// </summary>
public static class ExtractiveAnswer
{
    public const int MaxSentences = 3;

    public static (string Answer, IReadOnlyList<int> Used) Compose(string question, IReadOnlyList<Passage> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        if (passages.Count == 0)
        {
            return ("The lore holds nothing on that.", []);
        }

        var asked = TextAnalyzer.Terms(question).ToHashSet(StringComparer.Ordinal);
        var sentences = passages
            .SelectMany((p, i) => Chunker.Sentences(p.Text).Select((s, j) => (Passage: i, Order: j, Sentence: s, Overlap: TextAnalyzer.Terms(s).Distinct().Count(asked.Contains))))
            .ToList();
        var most = sentences.Count == 0 ? 0 : sentences.Max(s => s.Overlap);
        // Only sentences at least half as close to the question as the closest: an answer, not a digest.
        var best = sentences
            .Where(s => s.Overlap > 0 && s.Overlap * 2 >= most)
            .OrderByDescending(s => s.Overlap).ThenBy(s => s.Passage).ThenBy(s => s.Order)
            .Take(MaxSentences)
            .OrderBy(s => s.Passage).ThenBy(s => s.Order)
            .ToList();
        if (best.Count == 0)
        {
            // The passages matched on their titles only: quote the best passage's opening.
            best = [(0, 0, Chunker.Sentences(passages[0].Text).First(), 0)];
        }

        var answer = string.Join(' ', best.Select(s => $"{s.Sentence} [{s.Passage + 1}]"));
        return (answer, [.. best.Select(s => s.Passage).Distinct()]);
    }
}

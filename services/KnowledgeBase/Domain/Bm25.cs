namespace GamingSystem.KnowledgeBase.Domain;

/// <summary>One term's postings: how often it occurs in each passage that has it.</summary>
public sealed record Postings(string Term, IReadOnlyDictionary<string, int> Frequencies);

/// <summary>The corpus statistics BM25 needs: passage count, total length, and each candidate passage's length.</summary>
public sealed record CorpusStats(long Passages, long TotalLength, IReadOnlyDictionary<string, int> Lengths);

/// <summary>
/// Okapi BM25: for each query term, idf(term) x tf x (k1 + 1) / (tf + k1 x (1 - b + b x length / average length)),
/// summed over the query's terms. idf = ln(1 + (N - df + 0.5) / (df + 0.5)), never negative.
/// </summary>
public static class Bm25
{
    public const double K1 = 1.2;
    public const double B = 0.75;

    public static double Idf(long passages, long documentFrequency) =>
        Math.Log(1 + ((passages - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    public static double TermScore(int termFrequency, long documentFrequency, long passages, int length, double averageLength)
    {
        var norm = K1 * (1 - B + (B * length / Math.Max(averageLength, 1e-9)));
        return Idf(passages, documentFrequency) * termFrequency * (K1 + 1) / (termFrequency + norm);
    }

    /// <summary>Every passage that has a query term, best first (ties by id, so the order is stable).</summary>
    public static List<(string Passage, double Score)> Rank(IEnumerable<Postings> postings, CorpusStats stats)
    {
        ArgumentNullException.ThrowIfNull(postings);
        ArgumentNullException.ThrowIfNull(stats);
        var average = stats.Passages == 0 ? 1 : (double)stats.TotalLength / stats.Passages;
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in postings)
        {
            var df = term.Frequencies.Count;
            foreach (var (passage, tf) in term.Frequencies)
            {
                var length = stats.Lengths.TryGetValue(passage, out var l) ? l : (int)Math.Round(average);
                scores[passage] = scores.GetValueOrDefault(passage) + TermScore(tf, df, stats.Passages, length, average);
            }
        }

        return [.. scores.Select(s => (s.Key, Math.Round(s.Value, 6))).OrderByDescending(s => s.Item2).ThenBy(s => s.Key, StringComparer.Ordinal)];
    }
}

namespace GamingSystem.AiIntegration.Local;

/// <summary>
/// A word-level Markov chain of a given order over a text of paragraphs (separated by blank lines). Generation starts
/// at the beginning of one of the text's sentences (one that shares a word with the prompt if any does, followed up to
/// that word), follows
/// the chain and stops at the end of a paragraph. Everything is ordered by ordinal comparison, so the same seed
/// always walks the same path.
/// </summary>
internal sealed class MarkovModel
{
    /// <summary>Where a paragraph ends: the chain's "stop".</summary>
    private const string End = "\n";

    private readonly Dictionary<string, Successor[]> _transitions;
    private readonly Start[] _starts;

    public MarkovModel(string text, int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        Order = order;
        var counts = new Dictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        var starts = new List<Start>();
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tokens = Tokens.Split(paragraph).Append(End).ToArray();
            for (var i = 0; i + order < tokens.Length; i++)
            {
                var key = Key(tokens.AsSpan(i, order));
                if (!counts.TryGetValue(key, out var next))
                {
                    counts[key] = next = new SortedDictionary<string, int>(StringComparer.Ordinal);
                }

                next[tokens[i + order]] = next.GetValueOrDefault(tokens[i + order]) + 1;
            }

            AddSentenceStarts(tokens, starts);
        }

        if (starts.Count == 0)
        {
            throw new ArgumentException($"The text has no sentence of at least {order} words to start from.", nameof(text));
        }

        _transitions = counts.ToDictionary(c => c.Key, c => c.Value.Select(s => new Successor(s.Key, s.Value)).ToArray(), StringComparer.Ordinal);
        _starts = [.. starts];
    }

    public int Order { get; }

    /// <summary>
    /// The tokens of one generation, without limit: the caller takes as many as it wants. It ends by itself at the end of a
    /// paragraph. <paramref name="temperature"/> 0 always takes the most frequent next word; 1 samples by frequency;
    /// higher flattens the distribution.
    /// </summary>
    public IEnumerable<string> Generate(ulong seed, IReadOnlySet<string> promptWords, double temperature)
    {
        var random = new SplitMix64(seed);
        var related = _starts.Where(s => s.Words.Overlaps(promptWords)).ToArray();
        var candidates = related.Length > 0 ? related : _starts;
        var start = candidates[random.Next(candidates.Length)];
        // A sentence about the prompt's subject is followed up to its first word of the prompt, so the subject shows.
        var length = related.Length > 0 ? Math.Max(Order, Array.FindIndex(start.Sentence, promptWords.Contains) + 1) : Order;
        var context = new Queue<string>(start.Sentence[(length - Order)..length]);
        foreach (var token in start.Sentence[..length])
        {
            yield return token;
        }

        while (_transitions.TryGetValue(Key([.. context]), out var successors))
        {
            var next = Pick(successors, temperature, ref random);
            if (next == End)
            {
                yield break;
            }

            yield return next;
            context.Dequeue();
            context.Enqueue(next);
        }
    }

    private static string Pick(Successor[] successors, double temperature, ref SplitMix64 random)
    {
        var best = successors.MaxBy(s => s.Count)!;
        // A draw is made even when greedy, so temperature 0 and 1 consume the sequence alike.
        var draw = random.NextDouble();
        if (temperature <= 0 || successors.Length == 1)
        {
            return best.Token;
        }

        // count^(1/T), scaled by the largest count so that a small temperature cannot overflow.
        var weights = successors.Select(s => Math.Exp((Math.Log(s.Count) - Math.Log(best.Count)) / temperature)).ToArray();
        var target = draw * weights.Sum();
        for (var i = 0; i < successors.Length; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return successors[i].Token;
            }
        }

        return successors[^1].Token;
    }

    private void AddSentenceStarts(string[] tokens, List<Start> starts)
    {
        var sentenceStart = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!Tokens.EndsSentence(tokens[i]) && tokens[i] != End)
            {
                continue;
            }

            var sentence = tokens.AsSpan(sentenceStart, i + 1 - sentenceStart);
            if (sentence.Length > Order && Tokens.IsWord(sentence[0]))
            {
                var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var word in sentence)
                {
                    words.Add(word);
                }

                starts.Add(new Start(sentence.ToArray(), words));
            }

            sentenceStart = i + 1;
        }
    }

    private static string Key(ReadOnlySpan<string> context) => string.Join('\u001F', context);

    private sealed record Successor(string Token, int Count);

    private sealed record Start(string[] Sentence, HashSet<string> Words);
}

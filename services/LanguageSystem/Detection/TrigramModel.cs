using System.Collections.Frozen;
using System.Text;
using GamingSystem.Contracts;

namespace GamingSystem.LanguageSystem.Detection;

public sealed record LanguageScore(string Locale, double Confidence);

/// <summary>
/// Language identification by character trigrams: a profile of trigram counts per language, built from bundled
/// text, and a text scored by the log-likelihood of its trigrams under each profile. A trigram a profile never saw
/// is not impossible: its probability is interpolated with that of its last letter in the language (add-alpha
/// smoothed), so an unseen Cyrillic or kana trigram still points at the language that writes those letters.
/// Confidences are the posterior with equal priors.
/// Text is lower-cased and reduced to letters, with a space between words and around the text, so word starts and
/// ends count: "the " and " de" are among the strongest clues.
/// </summary>
public sealed class TrigramModel
{
    private const double Alpha = 0.5;

    // Weight of the trigram estimate against the letter estimate it backs off to.
    private const double TrigramWeight = 0.8;

    private readonly FrozenDictionary<string, Profile> _profiles;
    private readonly int _vocabulary;

    private TrigramModel(Dictionary<string, Profile> profiles)
    {
        _profiles = profiles.ToFrozenDictionary(StringComparer.Ordinal);
        _vocabulary = profiles.Values.SelectMany(p => p.Letters.Keys).Distinct().Count();
    }

    public IReadOnlyCollection<string> Locales => _profiles.Keys;

    /// <summary>A model trained on <paramref name="texts"/>, locale -> training text.</summary>
    public static TrigramModel Train(IReadOnlyDictionary<string, string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var profiles = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var (locale, text) in texts)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var letters = new Dictionary<char, int>();
            foreach (var trigram in Trigrams(text))
            {
                counts[trigram] = counts.GetValueOrDefault(trigram) + 1;
                letters[trigram[2]] = letters.GetValueOrDefault(trigram[2]) + 1;
            }

            profiles[locale] = new Profile(counts.ToFrozenDictionary(StringComparer.Ordinal), letters.ToFrozenDictionary(), counts.Values.Sum());
        }

        return new TrigramModel(profiles);
    }

    /// <summary>The model of the bundled training text (Resources/Corpus/&lt;locale&gt;.txt) of every offered locale.</summary>
    public static TrigramModel FromResources() =>
        Train(Contracts.Locales.Offered.ToDictionary(locale => locale, locale =>
        {
            using var stream = typeof(TrigramModel).Assembly.GetManifestResourceStream($"Corpus/{locale}.txt")
                ?? throw new InvalidOperationException($"No training text for '{locale}' (Resources/Corpus/{locale}.txt).");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }));

    /// <summary>Every locale with its confidence, best first; empty when the text has no letters.</summary>
    public IReadOnlyList<LanguageScore> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trigrams = Trigrams(text).ToList();
        if (trigrams.Count == 0)
        {
            return [];
        }

        var scores = _profiles.Select(p => (Locale: p.Key, LogLikelihood: p.Value.LogLikelihood(trigrams, _vocabulary))).ToList();
        // Softmax in log space: subtracting the best keeps exp() from underflowing on long texts.
        var best = scores.Max(s => s.LogLikelihood);
        var total = scores.Sum(s => Math.Exp(s.LogLikelihood - best));
        return [.. scores
            .Select(s => new LanguageScore(s.Locale, Math.Exp(s.LogLikelihood - best) / total))
            .OrderByDescending(s => s.Confidence)
            .ThenBy(s => s.Locale, StringComparer.Ordinal)];
    }

    /// <summary>The trigrams of the normalised text: letters lower-cased, anything else one space.</summary>
    public static IEnumerable<string> Trigrams(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normal = new StringBuilder(text.Length + 2).Append(' ');
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                normal.Append(char.ToLowerInvariant(c));
            }
            else if (normal[^1] != ' ')
            {
                normal.Append(' ');
            }
        }

        if (normal[^1] != ' ')
        {
            normal.Append(' ');
        }

        var s = normal.ToString();
        for (var i = 0; i + 3 <= s.Length; i++)
        {
            // A trigram of spaces and one letter says little; "a " alone is no word boundary evidence worth counting twice.
            if (s[i + 1] == ' ' && (s[i] == ' ' || s[i + 2] == ' '))
            {
                continue;
            }

            yield return s.Substring(i, 3);
        }
    }

    private sealed record Profile(FrozenDictionary<string, int> Counts, FrozenDictionary<char, int> Letters, int Total)
    {
        /// <param name="vocabulary">The letters of all profiles, so every profile smooths over the same alphabet.</param>
        public double LogLikelihood(IEnumerable<string> trigrams, int vocabulary)
        {
            var sum = 0.0;
            foreach (var trigram in trigrams)
            {
                var letter = (Letters.GetValueOrDefault(trigram[2]) + Alpha) / (Total + (Alpha * (vocabulary + 1)));
                var seen = (double)Counts.GetValueOrDefault(trigram) / Total;
                sum += Math.Log((TrigramWeight * seen) + ((1 - TrigramWeight) * letter));
            }

            return sum;
        }
    }
}

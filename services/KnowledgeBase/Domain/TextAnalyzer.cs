using System.Text;

namespace GamingSystem.KnowledgeBase.Domain;

/// <summary>
/// Text to index terms, the same way for documents and queries: lower case, split on anything that is not a letter
/// or digit, stop words dropped, and a light English stemmer (plural and possessive endings) so "towers" finds "tower".
/// </summary>
public static class TextAnalyzer
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "do", "does", "for", "from", "had", "has", "have", "he",
        "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or",
        "our", "she", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to",
        "was", "we", "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "you", "your",
        "can", "did", "about", "tell",
    };

    public static List<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (c != '\'' && c != '\u2019')
            {
                Flush(word, terms);
            }
        }

        Flush(word, terms);
        return terms;
    }

    /// <summary>Term frequencies of <paramref name="text"/> and its length in terms.</summary>
    public static (Dictionary<string, int> Frequencies, int Length) Frequencies(string text)
    {
        var terms = Terms(text);
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
        }

        return (frequencies, terms.Count);
    }

    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.EndsWith('s') && word.Length > 1 && word[^2] == '\'')
        {
            word = word[..^2];
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 4 && (word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("sses", StringComparison.Ordinal)))
        {
            return word[..^2];
        }

        if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            return word[..^1];
        }

        return word;
    }

    private static void Flush(StringBuilder word, List<string> terms)
    {
        if (word.Length == 0)
        {
            return;
        }

        // Apostrophes are kept out of the word: "king's" is read as "kings" and stemmed to "king".
        var w = word.ToString();
        word.Clear();
        if (w.Length > 1 && !StopWords.Contains(w))
        {
            terms.Add(Stem(w));
        }
    }
}

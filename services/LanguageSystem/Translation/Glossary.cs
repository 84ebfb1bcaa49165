using System.Text;
using GamingSystem.Contracts;

namespace GamingSystem.LanguageSystem.Translation;

/// <summary>What the glossary made of a text: the words it knew are replaced, the rest kept as written.</summary>
public sealed record GlossaryTranslation(string Text, int Words, int Translated);

/// <summary>
/// The deterministic stand-in for machine translation: a bundled glossary of common game words (one concept a line,
/// a column per offered locale) applied word by word. Word order and grammar stay the source's, so the result reads
/// like a gloss; words it does not know are kept, so names and numbers survive. Japanese, written without spaces, is
/// read by longest match against the glossary and written without spaces.
/// </summary>
public sealed class Glossary
{
    private const string NoWord = "—";

    private readonly Dictionary<string, Dictionary<string, string[]>> _index = new(StringComparer.Ordinal);

    public Glossary(IEnumerable<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var locales = Locales.Offered;
        foreach (var row in rows)
        {
            for (var source = 0; source < locales.Count && source < row.Length; source++)
            {
                if (row[source] == NoWord)
                {
                    continue;
                }

                var bySource = _index.TryGetValue(locales[source], out var existing) ? existing : _index[locales[source]] = new(StringComparer.Ordinal);
                // The first row of a word wins: "mañana" is "morning" before it is "tomorrow".
                bySource.TryAdd(row[source].ToLowerInvariant(), row);
            }
        }
    }

    public static Glossary FromResources()
    {
        using var stream = typeof(Glossary).Assembly.GetManifestResourceStream("glossary.tsv")
            ?? throw new InvalidOperationException("The glossary is not embedded (Resources/glossary.tsv).");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var rows = new List<string[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                rows.Add(line.Split('\t'));
            }
        }

        return new Glossary(rows);
    }

    public GlossaryTranslation Translate(string text, string source, string target)
    {
        ArgumentNullException.ThrowIfNull(text);
        var column = IndexOf(target);
        if (!_index.TryGetValue(source, out var words) || column < 0)
        {
            return new GlossaryTranslation(text, 0, 0);
        }

        var output = new StringBuilder(text.Length + 16);
        var (count, translated) = (0, 0);
        var i = 0;
        while (i < text.Length)
        {
            var length = source == "ja" ? LongestMatch(text, i, words) : WordLength(text, i);
            if (length == 0)
            {
                output.Append(text[i]);
                i++;
                continue;
            }

            var word = text.Substring(i, length);
            count++;
            if (words.TryGetValue(word.ToLowerInvariant(), out var row) && column < row.Length)
            {
                translated++;
                var replacement = row[column] == NoWord ? "" : MatchCase(word, row[column]);
                if (replacement.Length == 0 && i + length < text.Length && text[i + length] == ' ')
                {
                    length++;
                }

                output.Append(replacement);
                if (target != "ja" && source == "ja" && replacement.Length > 0)
                {
                    output.Append(' ');
                }
            }
            else
            {
                output.Append(word);
            }

            i += length;
        }

        var result = output.ToString().Trim();
        if (target == "ja" && source != "ja")
        {
            // Japanese puts no spaces between words.
            result = result.Replace(" ", "", StringComparison.Ordinal);
        }

        return new GlossaryTranslation(result, count, translated);
    }

    private static int IndexOf(string locale)
    {
        for (var i = 0; i < Locales.Offered.Count; i++)
        {
            if (Locales.Offered[i] == locale)
            {
                return i;
            }
        }

        return -1;
    }

    private static int WordLength(string text, int start)
    {
        var end = start;
        while (end < text.Length && (char.IsLetter(text[end]) || (end > start && text[end] is '\'' or '’')))
        {
            end++;
        }

        return end - start;
    }

    private static int LongestMatch(string text, int start, Dictionary<string, string[]> words)
    {
        for (var length = Math.Min(8, text.Length - start); length > 0; length--)
        {
            if (words.ContainsKey(text.Substring(start, length)))
            {
                return length;
            }
        }

        return 0;
    }

    // "Gold" stays capitalised where the source word was: "Welcome" -> "Willkommen", "sword" -> "Schwert" (German nouns keep theirs).
    private static string MatchCase(string original, string replacement) =>
        char.IsUpper(original[0]) && replacement.Length > 0
            ? char.ToUpperInvariant(replacement[0]) + replacement[1..]
            : replacement;
}

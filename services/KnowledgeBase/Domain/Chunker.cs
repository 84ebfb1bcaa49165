namespace GamingSystem.KnowledgeBase.Domain;

/// <summary>
/// A document into passages: whole sentences, at most <see cref="MaxWords"/> words each (a longer sentence is a passage
/// of its own), a new passage at every paragraph. Passages are what search ranks and answers cite.
/// </summary>
public static class Chunker
{
    public const int MaxWords = 60;

    public static List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var current = new List<string>();
            var words = 0;
            foreach (var sentence in Sentences(paragraph))
            {
                var count = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                if (words > 0 && words + count > MaxWords)
                {
                    chunks.Add(string.Join(' ', current));
                    current.Clear();
                    words = 0;
                }

                current.Add(sentence);
                words += count;
            }

            if (current.Count > 0)
            {
                chunks.Add(string.Join(' ', current));
            }
        }

        return chunks;
    }

    public static IEnumerable<string> Sentences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flat = string.Join(' ', text.Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries));
        var start = 0;
        for (var i = 0; i < flat.Length; i++)
        {
            if (flat[i] is '.' or '!' or '?' && (i + 1 == flat.Length || flat[i + 1] == ' '))
            {
                yield return flat[start..(i + 1)].Trim();
                start = i + 1;
            }
        }

        if (start < flat.Length && flat[start..].Trim() is { Length: > 0 } rest)
        {
            yield return rest;
        }
    }
}

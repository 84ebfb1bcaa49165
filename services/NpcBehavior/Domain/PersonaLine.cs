using GamingSystem.Contracts.NpcBehavior.V1;

namespace GamingSystem.NpcBehavior.Domain;

/// <summary>
/// The line an NPC says when no model answers: built from its traits (the manner), its most pressing need (what is
/// on its mind), its persona and the player's words (what it answers), with the variants picked by a seed so the
/// same NPC answers the same words the same way.
/// </summary>
public static class PersonaLine
{
    private static readonly HashSet<string> Filler = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "and", "or", "but", "you", "your", "i", "me", "my", "is", "are", "was", "do", "does", "did",
        "what", "where", "when", "who", "why", "how", "can", "could", "would", "will", "to", "of", "in", "on", "at",
        "for", "with", "about", "have", "has", "any", "there", "here", "this", "that", "it", "be", "tell", "know",
        "hello", "hi", "greetings", "please",
    };

    public static string Compose(Npc npc, Needs needs, string utterance, long seed)
    {
        ArgumentNullException.ThrowIfNull(npc);
        ArgumentNullException.ThrowIfNull(needs);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var traits = npc.Traits ?? new Traits();
        var topic = Topic(utterance);

        var opener = Manner(traits) switch
        {
            "hostile" => Pick(random, "Watch your tongue, stranger.", "Make it quick.", "You again? Speak plainly."),
            "warm" => Pick(random, "Well met, friend!", "Ah, a new face, and a welcome one.", "Come closer, I don't bite."),
            "timid" => Pick(random, "Oh! You startled me.", "I... yes? What is it?", "Keep your voice down, please."),
            _ => Pick(random, "Hm.", "Aye.", "Go on, then."),
        };

        var answer = topic is null
            ? Pick(random, "Say what you came to say.", "Words are cheap in these parts.", "I have heard stranger things today.")
            : traits.Curiosity >= 0.6
                ? Pick(random, $"{topic}, you say? Now that is worth hearing more about.", $"Tell me more of this {topic}; I've wondered about it myself.")
                : traits.Greed >= 0.6
                    ? Pick(random, $"{topic}? Knowledge of {topic} has a price, like everything else.", $"I might know something of {topic}, for a coin or two.")
                    : Pick(random, $"{topic}? I know little of {topic}, and I like it that way.", $"Ask someone else about {topic}; I only know my own work.");

        var mind = Pressing(needs) switch
        {
            ("hunger", >= 0.6) => "And I've not eaten since dawn, so don't keep me long.",
            ("rest", >= 0.6) => "Forgive me, my eyes are half closed; it has been a long day.",
            ("social", >= 0.6) => "It's good to have someone to talk to, truth be told.",
            ("safety", >= 0.6) => "Keep an eye on the road behind you; I don't like the feel of it.",
            ("wealth", >= 0.6) => "Times are lean, and my purse is lighter than I'd like.",
            _ => "",
        };

        var self = string.IsNullOrWhiteSpace(npc.Persona) ? "" : $"({npc.Name}, {npc.Persona.Trim().TrimEnd('.')}.)";
        return string.Join(' ', new[] { opener, answer, mind, self }.Where(s => s.Length > 0));
    }

    /// <summary>hostile, warm, timid or plain, from the traits that show most in speech.</summary>
    public static string Manner(Traits traits)
    {
        ArgumentNullException.ThrowIfNull(traits);
        if (traits.Aggression >= 0.6)
        {
            return "hostile";
        }

        if (traits.Sociability >= 0.6)
        {
            return "warm";
        }

        return traits.Bravery <= 0.3 ? "timid" : "plain";
    }

    /// <summary>The need that weighs most right now.</summary>
    public static (string Need, double Value) Pressing(Needs needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        return new[] { ("hunger", needs.Hunger), ("rest", needs.Rest), ("social", needs.Social), ("safety", needs.Safety), ("wealth", needs.Wealth) }
            .OrderByDescending(n => n.Item2).First();
    }

    /// <summary>The word of the player's line the NPC picks up on: its longest word that is not filler.</summary>
    public static string? Topic(string utterance) =>
        utterance.Split([' ', ',', '.', '?', '!', ';', ':', '"', '\''], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 2 && !Filler.Contains(w))
            .OrderByDescending(w => w.Length)
            .FirstOrDefault() is { } word
            ? char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant()
            : null;

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];
}

using System.Globalization;
using System.Text;
using GamingSystem.Contracts.QuestSystem.V1;

namespace GamingSystem.QuestSystem.Domain;

/// <summary>The structure of a quest (objectives and reward) and its written text when AI does not write it.</summary>
public sealed record QuestPlan(string RegionName, IReadOnlyList<Objective> Objectives, Reward Reward);

/// <summary>
/// Builds quests from a region, a difficulty and a seed, deterministically: the same inputs give the same quest.
/// The structure is always ours (AI writes only the title and description over it), so a quest is playable and its
/// reward bounded whatever a model says.
/// </summary>
public static class QuestGenerator
{
    public const int MaxTitleLength = 80;
    public const int MaxDescriptionLength = 1000;

    private static readonly string[] Collectibles = ["wolf pelts", "iron ore", "moonpetal herbs", "old coins", "spider silk", "salvaged gears"];
    private static readonly string[] Foes = ["bandits", "cave spiders", "grave ghouls", "rogue drones", "marsh wolves"];
    private static readonly string[] Places = ["the old watchtower", "the crossroads shrine", "the flooded mine", "the ruined chapel", "the smugglers' cove"];
    private static readonly string[] People = ["the reeve", "a wandering merchant", "the hermit", "the captain of the watch", "the innkeeper"];

    /// <summary>Objectives and reward for <paramref name="difficulty"/> in <paramref name="regionId"/>.</summary>
    public static QuestPlan Plan(string regionId, Difficulty difficulty, ulong seed, string currency)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionId);
        var random = new SplitMix(seed);
        var (count, min, max, baseReward) = Scale(difficulty);
        var kinds = new List<ObjectiveKind> { ObjectiveKind.Collect, ObjectiveKind.Defeat, ObjectiveKind.Visit, ObjectiveKind.Talk };
        var objectives = new List<Objective>();
        var region = RegionName(regionId);
        for (var i = 0; i < count; i++)
        {
            // Each kind at most once, so no quest asks for the same thing twice.
            var kind = kinds[random.Next(kinds.Count)];
            kinds.Remove(kind);
            var (target, required) = kind switch
            {
                ObjectiveKind.Collect => (Pick(random, Collectibles), random.Next(min, max + 1)),
                ObjectiveKind.Defeat => (Pick(random, Foes), random.Next(min, max + 1)),
                ObjectiveKind.Visit => (Pick(random, Places), 1),
                _ => (Pick(random, People), 1),
            };
            objectives.Add(new Objective
            {
                Id = "o" + (i + 1).ToString(CultureInfo.InvariantCulture),
                Kind = kind,
                Target = target,
                Required = required,
                Description = Describe(kind, target, required, region),
            });
        }

        var amount = baseReward + random.Next(baseReward / 5 + 1);
        return new QuestPlan(region, objectives, new Reward { Amount = amount, Currency = currency });
    }

    /// <summary>A title and description written from the plan alone: what the player reads when AI did not answer.</summary>
    public static (string Title, string Description) FallbackText(QuestPlan plan, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var random = new SplitMix(seed ^ 0x9E3779B97F4A7C15);
        var first = plan.Objectives[0];
        string[] titles = first.Kind switch
        {
            ObjectiveKind.Collect => [$"Gathering {Capitalize(first.Target)}", $"{plan.RegionName}'s Shortage", $"A Sack of {Capitalize(first.Target)}"],
            ObjectiveKind.Defeat => [$"The {Capitalize(first.Target)} of {plan.RegionName}", $"Trouble in {plan.RegionName}", $"Clearing the Road"],
            ObjectiveKind.Visit => [$"The Way to {Capitalize(first.Target)}", $"Secrets of {plan.RegionName}", $"Beyond the Last Milestone"],
            _ => [$"A Word with {Capitalize(first.Target)}", $"News for {plan.RegionName}", $"The Messenger's Errand"],
        };
        var giver = Pick(random, People);
        var description = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Capitalize(giver)} of {plan.RegionName} has work for you. ")
            .AppendJoin(' ', plan.Objectives.Select(o => o.Description))
            .Append(CultureInfo.InvariantCulture, $" Reward: {plan.Reward.Amount} {plan.Reward.Currency}.")
            .ToString();
        return (Pick(random, titles), description);
    }

    /// <summary>What the model is asked: a title line and a short description, over the plan it must not change.</summary>
    public static string Prompt(QuestPlan plan, Difficulty difficulty)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"""
            Write a quest for a fantasy role-playing game. On the first line write only its title (at most eight words).
            Then write two or three sentences that set the scene and tell the player what to do.
            Region: {plan.RegionName}. Difficulty: {DifficultyName(difficulty)}.
            Objectives: {string.Join(" ", plan.Objectives.Select(o => o.Description))}
            Reward: {plan.Reward.Amount} {plan.Reward.Currency}.
            """;
    }

    /// <summary>The model's text as title and description; what it left out is taken from <paramref name="fallback"/>.</summary>
    public static (string Title, string Description) ParseAiText(string text, (string Title, string Description) fallback)
    {
        var lines = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return fallback;
        }

        var title = lines[0].TrimStart('#', '*', ' ');
        if (title.StartsWith("Title:", StringComparison.OrdinalIgnoreCase))
        {
            title = title["Title:".Length..];
        }

        title = title.Trim().Trim('*', '"', '\'', ' ');
        var description = string.Join(' ', lines.Skip(1)).Trim();
        if (lines.Length == 1)
        {
            // One line is a description without a title, unless it is short enough to be a title.
            (title, description) = title.Length <= MaxTitleLength ? (title, fallback.Description) : (fallback.Title, title);
        }

        return (Cap(title.Length == 0 ? fallback.Title : title, MaxTitleLength), Cap(description.Length == 0 ? fallback.Description : description, MaxDescriptionLength));
    }

    /// <summary>"iron-hills" -> "Iron Hills".</summary>
    public static string RegionName(string regionId) =>
        string.Join(' ', regionId.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(Capitalize));

    /// <summary>A stable 64-bit seed of a string (FNV-1a): string.GetHashCode differs per process.</summary>
    public static ulong Seed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    public static string DifficultyName(Difficulty difficulty) => difficulty switch
    {
        Difficulty.Easy => "easy",
        Difficulty.Hard => "hard",
        Difficulty.Legendary => "legendary",
        _ => "normal",
    };

    private static (int Objectives, int Min, int Max, int Reward) Scale(Difficulty difficulty) => difficulty switch
    {
        Difficulty.Easy => (1, 2, 4, 50),
        Difficulty.Hard => (3, 6, 10, 300),
        Difficulty.Legendary => (4, 10, 15, 800),
        _ => (2, 4, 7, 120),
    };

    private static string Describe(ObjectiveKind kind, string target, int required, string region) => kind switch
    {
        ObjectiveKind.Collect => $"Collect {required} {target} around {region}.",
        ObjectiveKind.Defeat => $"Defeat {required} {target} near {region}.",
        ObjectiveKind.Visit => $"Visit {target} in {region}.",
        _ => $"Talk to {target} of {region}.",
    };

    private static string Pick(SplitMix random, string[] items) => items[random.Next(items.Length)];

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Cap(string text, int max) => text.Length <= max ? text : text[..max].TrimEnd();

    /// <summary>SplitMix64: a tiny generator whose sequence for a seed never changes between runtimes (System.Random's may).</summary>
    private sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

        public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

        private ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}

using GamingSystem.Contracts.StoryTeller.V1;

namespace GamingSystem.StoryTeller.Domain;

/// <summary>The shape of an arc: which part of the story a beat is, by its index.</summary>
public enum Stage
{
    Opening,
    Rising,
    Complication,
    Turn,
    Climax,
    Aftermath,
}

/// <summary>
/// The structure of every beat, decided here and never by a model: its stage, its 2-4 choices (ids <c>b{index}-{n}</c>,
/// so a choice names its beat), and the deterministic text used when no model writes one. All of it is seeded by the
/// arc and the beat, so the same arc gets the same beat on every replica and every retry.
/// </summary>
public static class StoryPlanner
{
    private static readonly string[] Places = ["the Greywatch", "Emberly", "Saltmoor", "Quill", "the Thornwood", "the Glass Waste", "the Spine of Orun", "the Hollow Marches"];
    private static readonly string[] Figures = ["a silent warden", "a dwarven debt-keeper", "a smuggler of Saltmoor", "a mage of the Quiet Flame", "an innkeeper of the river road", "a wood elf with a fox at her heel", "a lamplighter with a cracked lantern"];
    private static readonly string[] Signs = ["a lantern burning on your doorstep", "a letter sealed with river clay", "a beacon lit out of season", "a crown of reeds left at the crossroads", "a page torn from a chained book"];

    private static readonly Dictionary<Stage, string[]> ChoicePool = new()
    {
        [Stage.Opening] = ["Follow the sign at once", "Ask at the inn who else has seen it", "Seek out an old friend for counsel", "Ignore it and wait for a second sign"],
        [Stage.Rising] = ["Take the river road", "Cut across the wilds", "Hire a guide you do not trust", "Travel by night, as the lamplighters did"],
        [Stage.Complication] = ["Confront the stranger openly", "Shadow them in secret", "Strike a bargain", "Warn the wardens"],
        [Stage.Turn] = ["Keep the promise you made", "Break it to save a life", "Tell the truth at last", "Burn the evidence"],
        [Stage.Climax] = ["Face your enemy alone", "Rally the people who followed you", "Offer a trade no one expects", "Sing, as the fishers do to a waking dragon"],
        [Stage.Aftermath] = ["Return home with your scar and your story", "Follow the rumour that remains", "Hang your lantern in the hall", "Set out along a new road"],
    };

    public static Stage StageOf(int index) => index switch
    {
        0 => Stage.Opening,
        1 or 2 => Stage.Rising,
        3 => Stage.Complication,
        4 => Stage.Turn,
        5 => Stage.Climax,
        _ => Stage.Aftermath,
    };

    public static List<Choice> Choices(string arcId, int index)
    {
        var random = Random(arcId, index, 1);
        var pool = ChoicePool[StageOf(index)];
        var count = 2 + random.Next(3);
        return [.. pool.OrderBy(_ => random.Next()).Take(count).Select((text, n) => new Choice { Id = $"b{index}-{n + 1}", Text = text })];
    }

    /// <summary>The beat's text when no model writes it: the stage's scene, set in a place of the lore, following the choice made.</summary>
    public static string FallbackText(string arcId, string theme, int index, string? chosen)
    {
        var random = Random(arcId, index, 2);
        var place = Places[random.Next(Places.Length)];
        var figure = Figures[random.Next(Figures.Length)];
        var sign = Signs[random.Next(Signs.Length)];
        var after = chosen is null ? "" : $"You chose to {Lower(chosen)}. ";
        var scene = StageOf(index) switch
        {
            Stage.Opening => $"It begins with {sign}. In {place}, talk of {theme} has started again, and {figure} watches you as if you were expected.",
            Stage.Rising => $"The road to {place} is longer than the songs say. Everywhere you stop, someone has heard of {theme}, and someone else wants you to forget it. By nightfall {figure} has joined you, uninvited.",
            Stage.Complication => $"In {place} the trail of {theme} turns back on itself: {figure} knows more than they admit, and {sign} proves that someone has been here before you.",
            Stage.Turn => $"The truth about {theme} is not what you were told. In {place}, {figure} lays it out plainly, and nothing you promised on the road still fits.",
            Stage.Climax => $"Everything about {theme} comes to a head in {place}. The beacons are lit, {figure} stands at your side or in your way, and there is no time left to be careful.",
            _ => $"After {theme}, {place} is quieter. {Upper(figure)} tells the story at the inns already, not quite as it happened, and {sign} suggests the road is not done with you.",
        };
        return $"{after}{scene} What do you do?";
    }

    /// <summary>The seed of a beat's model call: the same beat asks for the same text.</summary>
    public static long Seed(string arcId, int index) => Hash($"{arcId}/{index}/0");

    private static Random Random(string arcId, int index, int salt) => new((int)(Hash($"{arcId}/{index}/{salt}") & 0x7fffffff));

    // FNV-1a: the same value in every process, unlike string.GetHashCode.
    private static long Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)(hash >> 1);
    }

    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];

    private static string Upper(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}

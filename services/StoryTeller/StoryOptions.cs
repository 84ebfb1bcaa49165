namespace GamingSystem.StoryTeller;

public sealed class StoryOptions
{
    public const string SectionName = "StoryTeller";

    /// <summary>
    /// The model the streaming variant asks ai-integration for (ai-router has no streaming method, so the stream goes
    /// to ai-integration directly). The local provider's model by default: it is always there.
    /// </summary>
    public string StreamModel { get; set; } = "local-markov-large";

    /// <summary>An arc nobody has touched for this long is forgotten.</summary>
    public TimeSpan ArcLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Beats an arc may hold; the history is returned whole, so it stays bounded.</summary>
    public int MaxBeats { get; set; } = 50;
}

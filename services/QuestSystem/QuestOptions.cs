namespace GamingSystem.QuestSystem;

/// <summary>Bound from <c>QuestSystem</c>.</summary>
public sealed class QuestOptions
{
    public const string SectionName = "QuestSystem";

    /// <summary>The reward's currency for a player who has no wallet yet (their wallet is opened in it on completion).</summary>
    public string DefaultCurrency { get; set; } = "GLD";
}

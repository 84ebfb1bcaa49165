namespace GamingSystem.AiRouter;

/// <summary>Bound from <c>AiRouter:Breaker</c>: when a model's circuit opens and how long it stays open.</summary>
public sealed class BreakerOptions
{
    public const string SectionName = "AiRouter:Breaker";

    /// <summary>Failures in a row that open a model's circuit.</summary>
    public int FailuresToOpen { get; set; } = 3;

    /// <summary>How long an open circuit skips its model before one trial call may close it again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

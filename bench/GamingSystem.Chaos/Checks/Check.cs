namespace GamingSystem.Chaos.Checks;

/// <summary>One invariant of the run: whether it held, and the counts that say so.</summary>
internal sealed record Check(string Name, bool Passed, string Counts, IReadOnlyList<string>? Violations = null)
{
    /// <summary>Violations shown in the report per check; the rest are counted.</summary>
    public const int Shown = 10;
}

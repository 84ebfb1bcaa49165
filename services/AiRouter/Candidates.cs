using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.Contracts.ModelManagement.V1;

namespace GamingSystem.AiRouter;

/// <summary>A model in routing order, and why it will not be called (null: it will be tried).</summary>
public sealed record Candidate(Model Model, string? SkipReason);

/// <summary>The routing order and the budget filters: plain rules, no I/O.</summary>
public static class Candidates
{
    public const string TooSlow = "too_slow";
    public const string TooExpensive = "too_expensive";
    public const string CircuitOpen = "circuit_open";

    /// <summary>
    /// The task type's default first (when among <paramref name="models"/>), then by cost, typical latency and id;
    /// each marked with the first budget it breaks. Circuits are not looked at here: they change while routing.
    /// </summary>
    public static IReadOnlyList<Candidate> Order(IEnumerable<Model> models, string? defaultId, RouteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return [.. models
            .OrderBy(m => m.Id == defaultId ? 0 : 1)
            .ThenBy(m => m.CostPer1KTokensMicros)
            .ThenBy(m => m.TypicalLatencyMs)
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => new Candidate(m, SkipReason(m, request)))];
    }

    private static string? SkipReason(Model model, RouteRequest request) =>
        request.HasMaxCostPer1KTokensMicros && model.CostPer1KTokensMicros > request.MaxCostPer1KTokensMicros ? TooExpensive
        : request.LatencyBudgetMs > 0 && model.TypicalLatencyMs > request.LatencyBudgetMs ? TooSlow
        : null;
}

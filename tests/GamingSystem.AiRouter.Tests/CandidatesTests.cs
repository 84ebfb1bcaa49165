using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.Contracts.ModelManagement.V1;

namespace GamingSystem.AiRouter.Tests;

/// <summary>The routing order and the budget filters.</summary>
public sealed class CandidatesTests
{
    private static readonly Model[] Models =
    [
        Model("pricey-fast", cost: 900, latency: 5),
        Model("free-slow", cost: 0, latency: 80),
        Model("free-fast", cost: 0, latency: 20),
        Model("cheap", cost: 100, latency: 10),
    ];

    [Fact]
    public void The_default_comes_first_then_cost_then_latency()
    {
        var order = Candidates.Order(Models, "pricey-fast", new RouteRequest());

        Assert.Equal(["pricey-fast", "free-fast", "free-slow", "cheap"], order.Select(c => c.Model.Id));
        Assert.All(order, c => Assert.Null(c.SkipReason));
    }

    [Fact]
    public void A_default_that_is_not_among_the_models_changes_nothing()
    {
        var order = Candidates.Order(Models, "retired-one", new RouteRequest());

        Assert.Equal(["free-fast", "free-slow", "cheap", "pricey-fast"], order.Select(c => c.Model.Id));
    }

    [Fact]
    public void Models_over_the_cost_cap_or_the_latency_budget_are_marked_and_keep_their_place()
    {
        var order = Candidates.Order(Models, "pricey-fast", new RouteRequest { LatencyBudgetMs = 20, MaxCostPer1KTokensMicros = 100 });

        Assert.Equal(
            [("pricey-fast", Candidates.TooExpensive), ("free-fast", null), ("free-slow", Candidates.TooSlow), ("cheap", null)],
            order.Select(c => (c.Model.Id, c.SkipReason)));
    }

    [Fact]
    public void A_zero_cost_cap_is_a_cap_and_a_zero_budget_is_none()
    {
        var order = Candidates.Order(Models, null, new RouteRequest { LatencyBudgetMs = 0, MaxCostPer1KTokensMicros = 0 });

        Assert.Equal(["free-fast", "free-slow"], order.Where(c => c.SkipReason is null).Select(c => c.Model.Id));
    }

    private static Model Model(string id, long cost, int latency) =>
        new() { Id = id, Provider = "local", Capabilities = { TaskType.General }, CostPer1KTokensMicros = cost, TypicalLatencyMs = latency, Status = ModelStatus.Active };
}

using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.NpcBehavior.Domain;
using Action = GamingSystem.Contracts.NpcBehavior.V1.Action;

namespace GamingSystem.Content.Tests;

public sealed class UtilityScorerTests
{
    private static readonly Traits Plain = new() { Bravery = 0.5, Greed = 0.5, Sociability = 0.5, Curiosity = 0.5, Aggression = 0.5 };

    [Fact]
    public void Every_action_is_scored_highest_first_and_the_first_is_the_decision()
    {
        var decision = UtilityScorer.Decide("n", Plain, new Needs { Hunger = 0.4, Rest = 0.6 }, "home", new DecisionContext());

        Assert.Equal(Enum.GetValues<Action>().Where(a => a != Action.Unspecified).Order(), decision.Scores.Select(s => s.Action).Order());
        Assert.Equal(decision.Scores.Select(s => s.Score).OrderDescending(), decision.Scores.Select(s => s.Score));
        Assert.Equal(decision.Scores[0].Action, decision.Action);
        Assert.Equal(Action.Sleep, decision.Action);
    }

    [Theory]
    [InlineData(0.2, Action.Socialize)]
    [InlineData(0.9, Action.Eat)]
    public void Hunger_above_loneliness_turns_socialising_into_eating(double hunger, Action expected)
    {
        var traits = new Traits { Sociability = 1.0 };
        var decision = UtilityScorer.Decide("n", traits, new Needs { Hunger = hunger, Social = 0.6 }, "home", new DecisionContext());

        Assert.Equal(expected, decision.Action);
        Assert.Equal(hunger, decision.Scores.Single(s => s.Action == Action.Eat).Score, 6);
        Assert.Equal(0.6, decision.Scores.Single(s => s.Action == Action.Socialize).Score, 6);
    }

    [Fact]
    public void Threat_is_fought_by_the_brave_and_fled_by_the_timid()
    {
        var danger = new DecisionContext { ThreatLevel = 8 };

        Assert.Equal(Action.Fight, UtilityScorer.Decide("n", new Traits { Bravery = 0.9, Aggression = 1 }, new Needs(), "home", danger).Action);
        Assert.Equal(Action.Flee, UtilityScorer.Decide("n", new Traits { Bravery = 0.1 }, new Needs(), "home", danger).Action);
    }

    [Fact]
    public void Away_from_home_at_night_a_tired_npc_goes_home_and_the_reasons_say_why()
    {
        var decision = UtilityScorer.Decide("n", Plain, new Needs { Rest = 0.5 }, "saltmoor", new DecisionContext { RegionId = "quill", IsNight = true });
        var home = decision.Scores.Single(s => s.Action == Action.GoHome);

        Assert.Equal(Action.GoHome, decision.Action);
        Assert.Equal(0.3 + 0.2 + 0.2, home.Score, 6);
        Assert.Equal(["away from home 1.00 x 0.30", "rest, away 0.50 x 0.40", "night, away 1.00 x 0.20"], home.Reasons);
    }

    [Fact]
    public void Equal_scores_go_to_the_action_listed_first()
    {
        var decision = UtilityScorer.Decide("n", new Traits(), new Needs { Hunger = 0.2 }, "home", new DecisionContext { IsNight = true });

        Assert.Equal((Action.Eat, Action.Sleep), (decision.Scores[0].Action, decision.Scores[1].Action));
        Assert.Equal(decision.Scores[0].Score, decision.Scores[1].Score);
        Assert.Equal(Action.Eat, decision.Action);
    }
}

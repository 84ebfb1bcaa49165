using System.Globalization;
using GamingSystem.Contracts.NpcBehavior.V1;
using Action = GamingSystem.Contracts.NpcBehavior.V1.Action;

namespace GamingSystem.NpcBehavior.Domain;

/// <summary>
/// Utility AI: every action gets a score from weighted considerations of the NPC's needs, traits and situation, and
/// the highest wins. Each consideration is written down as a reason, so a designer can read why an NPC did what it did.
/// Ties go to the action listed first in the proto, so a decision is deterministic.
/// </summary>
public static class UtilityScorer
{
    public static Decision Decide(string npcId, Traits traits, Needs needs, string homeRegionId, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(context);
        var threat = Math.Clamp(context.ThreatLevel, 0, 10) / 10.0;
        var crowd = Math.Min(Math.Max(context.PlayersNearby, 0), 5);
        var awayFromHome = !string.IsNullOrEmpty(context.RegionId) && context.RegionId != homeRegionId;
        var mostPressing = Math.Max(Math.Max(needs.Hunger, needs.Rest), Math.Max(Math.Max(needs.Social, needs.Safety), needs.Wealth));

        var scores = new List<ActionScore>
        {
            Score(Action.Eat, ("hunger", needs.Hunger, 1.0)),
            Score(Action.Sleep, ("rest", needs.Rest, 0.9), ("night", context.IsNight ? 1 : 0, 0.2)),
            Score(Action.Socialize, ("social", needs.Social, 0.5 + (0.5 * traits.Sociability)), ("players nearby", crowd, 0.03)),
            Score(Action.Work, ("wealth", needs.Wealth, 0.6), ("daytime", context.IsNight ? 0 : 1, 0.1)),
            Score(Action.Trade, ("wealth x greed", needs.Wealth * traits.Greed, 0.8), ("customers nearby", crowd > 0 ? 1 : 0, 0.1)),
            Score(Action.Flee, ("threat x (1 - bravery)", threat * (1 - traits.Bravery), 1.0), ("safety x threat", needs.Safety * threat, 0.5)),
            Score(Action.Fight, ("threat x bravery", threat * traits.Bravery, 0.5 + (0.5 * traits.Aggression))),
            Score(Action.Explore, ("curiosity x (1 - most pressing need)", traits.Curiosity * (1 - mostPressing), 0.5)),
            Score(Action.GoHome, ("away from home", awayFromHome ? 1 : 0, 0.3), ("rest, away", awayFromHome ? needs.Rest : 0, 0.4), ("night, away", awayFromHome && context.IsNight ? 1 : 0, 0.2)),
        };

        var ranked = scores.OrderByDescending(s => s.Score).ThenBy(s => (int)s.Action).ToList();
        return new Decision { NpcId = npcId, Action = ranked[0].Action, Scores = { ranked }, Needs = needs.Clone() };
    }

    private static ActionScore Score(Action action, params (string Name, double Value, double Weight)[] considerations)
    {
        var score = new ActionScore { Action = action };
        foreach (var (name, value, weight) in considerations)
        {
            score.Score += value * weight;
            score.Reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value:0.00} x {weight:0.00}"));
        }

        score.Score = Math.Round(score.Score, 6);
        return score;
    }
}

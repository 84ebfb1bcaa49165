using GamingSystem.Contracts.NpcBehavior.V1;

namespace GamingSystem.NpcBehavior.Domain;

/// <summary>
/// How needs grow with game time: each need by its own rate per game hour, some shaped by the NPC's traits
/// (a sociable NPC gets lonely faster, a greedy one wants money sooner), each capped at 1 (desperate).
/// </summary>
public static class NeedsDecay
{
    public const double HungerPerHour = 0.05;
    public const double RestPerHour = 0.04;
    public const double SafetyPerHour = 0.01;

    public static double SocialPerHour(Traits traits) => 0.01 + (0.03 * traits.Sociability);

    public static double WealthPerHour(Traits traits) => 0.01 + (0.02 * traits.Greed);

    /// <summary>The needs <paramref name="hours"/> game hours after <paramref name="needs"/>.</summary>
    public static Needs After(Needs needs, Traits traits, long hours)
    {
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(traits);
        if (hours <= 0)
        {
            return needs.Clone();
        }

        return new Needs
        {
            Hunger = Grow(needs.Hunger, HungerPerHour, hours),
            Rest = Grow(needs.Rest, RestPerHour, hours),
            Social = Grow(needs.Social, SocialPerHour(traits), hours),
            Safety = Grow(needs.Safety, SafetyPerHour, hours),
            Wealth = Grow(needs.Wealth, WealthPerHour(traits), hours),
        };
    }

    // Rounded so that a need read back after any number of hours is the same on every replica and in every test.
    private static double Grow(double value, double perHour, long hours) => Math.Round(Math.Min(1.0, value + (perHour * hours)), 6);
}

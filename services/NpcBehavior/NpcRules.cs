using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.NpcBehavior;

/// <summary>What a request may carry; each violation names its field.</summary>
public static class NpcRules
{
    public const int MaxNameLength = 64;
    public const int MaxPersonaLength = 500;
    public const int MaxUtteranceLength = 500;

    public static void Register(RegisterNpcRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Text(request.Name, "name", MaxNameLength, required: true);
        Text(request.Persona, "persona", MaxPersonaLength, required: false);
        Text(request.HomeRegionId, "home_region_id", 64, required: true);
        if (request.Traits is { } t)
        {
            Unit(t.Bravery, "traits.bravery");
            Unit(t.Greed, "traits.greed");
            Unit(t.Sociability, "traits.sociability");
            Unit(t.Curiosity, "traits.curiosity");
            Unit(t.Aggression, "traits.aggression");
        }

        if (request.Needs is { } n)
        {
            Unit(n.Hunger, "needs.hunger");
            Unit(n.Rest, "needs.rest");
            Unit(n.Social, "needs.social");
            Unit(n.Safety, "needs.safety");
            Unit(n.Wealth, "needs.wealth");
        }
    }

    public static void NpcId(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw ServiceException.InvalidArgument("npc_id", "required");
        }

        if (id.Length > 64)
        {
            throw ServiceException.InvalidArgument("npc_id", "at most 64 characters");
        }
    }

    public static void Context(DecisionContext? context)
    {
        if (context is null)
        {
            return;
        }

        if (context.ThreatLevel is < 0 or > 10)
        {
            throw ServiceException.InvalidArgument("context.threat_level", "must be 0-10");
        }

        if (context.PlayersNearby < 0)
        {
            throw ServiceException.InvalidArgument("context.players_nearby", "must not be negative");
        }
    }

    public static void Utterance(string utterance) => Text(utterance, "utterance", MaxUtteranceLength, required: true);

    private static void Text(string value, string field, int max, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            throw ServiceException.InvalidArgument(field, "required");
        }

        if (value.Length > max)
        {
            throw ServiceException.InvalidArgument(field, $"at most {max} characters");
        }
    }

    private static void Unit(double value, string field)
    {
        if (double.IsNaN(value) || value is < 0 or > 1)
        {
            throw ServiceException.InvalidArgument(field, "must be between 0 and 1");
        }
    }
}

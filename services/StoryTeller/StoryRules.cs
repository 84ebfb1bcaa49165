using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StoryTeller;

public static class StoryRules
{
    public const int MaxThemeLength = 200;

    /// <summary>The calling player, named by the gateway.</summary>
    public static string Player(CallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return string.IsNullOrEmpty(context.PlayerId)
            ? throw new ServiceException(ErrorCode.Unauthenticated, "no player: an arc is the calling player's")
            : context.PlayerId;
    }

    public static string Theme(string theme)
    {
        var trimmed = theme.Trim();
        return trimmed.Length is 0 or > MaxThemeLength
            ? throw ServiceException.InvalidArgument("theme", $"1-{MaxThemeLength} characters")
            : trimmed;
    }

    /// <summary>The arc, if it exists and is the caller's; another player's arc is as good as missing.</summary>
    public static async Task<Arc> OwnArcAsync(ArcStore store, string arcId, CallContext context)
    {
        ArgumentNullException.ThrowIfNull(store);
        var player = Player(context);
        if (string.IsNullOrEmpty(arcId) || arcId.Length > 64)
        {
            throw ServiceException.InvalidArgument("arc_id", "required, at most 64 characters");
        }

        var arc = await store.GetAsync(arcId).ConfigureAwait(false);
        return arc is not null && arc.PlayerId == player ? arc : throw ServiceException.NotFound($"no arc {arcId}");
    }
}

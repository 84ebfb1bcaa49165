using System.Text.RegularExpressions;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem;

/// <summary>What a quest request may say; every refusal names its field.</summary>
public static partial class QuestRules
{
    public const int MaxPageSize = 100;

    /// <summary>The player the gateway authenticated: quests are their owner's.</summary>
    public static string Caller(CallContext context) => context.PlayerId is { Length: > 0 } player
        ? player
        : throw new ServiceException(ErrorCode.Unauthenticated, $"no player: a quest is the calling player's, named by the {MessagingHeaders.PlayerId} header the gateway sets");

    /// <summary>
    /// A region id's shape only: the regions themselves belong to world-state, which this service does not ask yet
    /// (docs/economy.md says where that check goes).
    /// </summary>
    public static void Region(string regionId)
    {
        if (!RegionId().IsMatch(regionId))
        {
            throw ServiceException.InvalidArgument("region_id", "must be a region id: 1-64 lowercase letters, digits and '-', e.g. ashford");
        }
    }

    public static Difficulty Difficulty(Difficulty difficulty) => difficulty switch
    {
        Contracts.QuestSystem.V1.Difficulty.Unspecified => Contracts.QuestSystem.V1.Difficulty.Normal,
        >= Contracts.QuestSystem.V1.Difficulty.Easy and <= Contracts.QuestSystem.V1.Difficulty.Legendary => difficulty,
        _ => throw ServiceException.InvalidArgument("difficulty", "must be EASY, NORMAL, HARD or LEGENDARY"),
    };

    public static void QuestId(string id)
    {
        if (!Id().IsMatch(id))
        {
            throw ServiceException.InvalidArgument("quest_id", "must be a quest id: 32 lowercase hexadecimal characters");
        }
    }

    /// <summary>The caller's idempotency key (Gaming-Idempotency-Key), if any; 1-128 characters.</summary>
    public static string? IdempotencyKey(CallContext context) => context.IdempotencyKey switch
    {
        null or "" => null,
        { Length: > 128 } => throw ServiceException.InvalidArgument("idempotency_key", "at most 128 characters"),
        var key => key,
    };

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,63}\z")]
    private static partial Regex RegionId();

    [GeneratedRegex(@"\A[0-9a-f]{32}\z")]
    private static partial Regex Id();
}

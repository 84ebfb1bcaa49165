using System.Text.RegularExpressions;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment;

/// <summary>What a payment request may say; every refusal names its field.</summary>
public static partial class PaymentRules
{
    /// <summary>A bound far below int64's, so no sum of balances can overflow.</summary>
    public const long MaxAmount = 1_000_000_000_000;

    public const int MaxReasonLength = 200;

    /// <summary>The player the gateway authenticated: wallets are their owner's.</summary>
    public static string Caller(CallContext context) => context.PlayerId is { Length: > 0 } player
        ? player
        : throw new ServiceException(ErrorCode.Unauthenticated, $"no player: a wallet is the calling player's, named by the {MessagingHeaders.PlayerId} header the gateway sets");

    /// <summary>
    /// Credit and Charge name their player, but a service calling on behalf of a player (the router, a quest) carries
    /// that player's signed id: it may move only that player's money.
    /// </summary>
    public static void OnBehalfOf(CallContext context, string playerId)
    {
        if (context.PlayerId is { Length: > 0 } caller && caller != playerId)
        {
            throw ServiceException.PermissionDenied($"player_id: a call on behalf of player {caller} cannot move another player's money");
        }
    }

    public static void Player(string playerId, string field)
    {
        if (!PlayerId().IsMatch(playerId))
        {
            throw ServiceException.InvalidArgument(field, "must be a player id: 1-64 characters of letters, digits, '-' and '_'");
        }
    }

    public static void Amount(long amount)
    {
        if (amount is <= 0 or > MaxAmount)
        {
            throw ServiceException.InvalidArgument("amount", $"must be 1 to {MaxAmount} minor units, not {amount}");
        }
    }

    public static void Currency(string currency)
    {
        if (!CurrencyCode().IsMatch(currency))
        {
            throw ServiceException.InvalidArgument("currency", "must be 3-8 capital letters, e.g. GLD");
        }
    }

    public static void Reason(string reason)
    {
        if (reason.Length > MaxReasonLength)
        {
            throw ServiceException.InvalidArgument("reason", $"at most {MaxReasonLength} characters");
        }
    }

    /// <summary>The request's key, else the call's Gaming-Idempotency-Key header: every movement of money needs one.</summary>
    public static string IdempotencyKey(string key, CallContext context)
    {
        var chosen = key.Length > 0 ? key : context.IdempotencyKey ?? "";
        if (chosen.Length is 0 or > 128)
        {
            throw ServiceException.InvalidArgument("idempotency_key", "is required (1-128 characters): a repeat with the same key returns the first result and moves nothing");
        }

        return chosen;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex PlayerId();

    [GeneratedRegex(@"\A[A-Z]{3,8}\z")]
    private static partial Regex CurrencyCode();
}

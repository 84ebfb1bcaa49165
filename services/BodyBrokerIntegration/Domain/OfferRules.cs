using System.Text.RegularExpressions;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.BodyBrokerIntegration.Domain;

/// <summary>What an offer or a search may say (every refusal names its field), and which offers a search matches.</summary>
public static partial class OfferRules
{
    public const long MaxPrice = 1_000_000_000_000;
    public const int MaxAugmentations = 10;
    public const int MaxAugmentationLength = 40;
    public const int MaxPageSize = 100;

    /// <summary>The player the gateway authenticated: the seller of a new offer, the buyer of a purchase.</summary>
    public static string Caller(CallContext context) => context.PlayerId is { Length: > 0 } player
        ? player
        : throw new ServiceException(ErrorCode.Unauthenticated, $"no player: offers are made and bought by the calling player, named by the {MessagingHeaders.PlayerId} header the gateway sets");

    /// <summary>A body spec as stored: species lowercased, augmentations trimmed.</summary>
    public static BodySpec Body(BodySpec? body)
    {
        if (body is null)
        {
            throw ServiceException.InvalidArgument("body", "is required: species, condition 0-100 and augmentations");
        }

        var species = body.Species.Trim().ToLowerInvariant();
        if (!Species().IsMatch(species))
        {
            throw ServiceException.InvalidArgument("body.species", "must be 1-32 letters, digits and '-', e.g. human, synth, vat-grown");
        }

        if (body.Condition is < 0 or > 100)
        {
            throw ServiceException.InvalidArgument("body.condition", $"must be 0 (ruined) to 100 (pristine), not {body.Condition}");
        }

        if (body.Augmentations.Count > MaxAugmentations)
        {
            throw ServiceException.InvalidArgument("body.augmentations", $"at most {MaxAugmentations}");
        }

        var augmentations = body.Augmentations.Select(a => a.Trim()).ToList();
        if (augmentations.Any(a => a.Length is 0 or > MaxAugmentationLength || a.Any(char.IsControl)))
        {
            throw ServiceException.InvalidArgument("body.augmentations", $"each must be 1-{MaxAugmentationLength} printable characters");
        }

        return new BodySpec { Species = species, Condition = body.Condition, Augmentations = { augmentations } };
    }

    public static void Price(long price)
    {
        if (price is < 1 or > MaxPrice)
        {
            throw ServiceException.InvalidArgument("price", $"must be 1 to {MaxPrice} minor units, not {price}");
        }
    }

    public static void OfferId(string id)
    {
        if (!Id().IsMatch(id))
        {
            throw ServiceException.InvalidArgument("offer_id", "must be an offer id: 32 lowercase hexadecimal characters");
        }
    }

    /// <summary>The search as given, checked; status unset means OPEN.</summary>
    public static ListOffersRequest Search(ListOffersRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var search = request.Clone();
        search.Species = search.Species.Trim().ToLowerInvariant();
        if (search.Species.Length > 0 && !Species().IsMatch(search.Species))
        {
            throw ServiceException.InvalidArgument("species", "must be 1-32 letters, digits and '-'");
        }

        if (search.MinCondition is < 0 or > 100)
        {
            throw ServiceException.InvalidArgument("min_condition", "must be 0 to 100");
        }

        if (search.HasMaxPrice && search.MaxPrice < 0)
        {
            throw ServiceException.InvalidArgument("max_price", "must not be negative");
        }

        if (!Enum.IsDefined(search.Status))
        {
            throw ServiceException.InvalidArgument("status", "must be OPEN, SOLD or CANCELLED (unset: OPEN)");
        }

        search.Status = search.Status == OfferStatus.Unspecified ? OfferStatus.Open : search.Status;
        search.PageSize = search.PageSize == 0 ? 20 : search.PageSize;
        if (search.PageSize is < 1 or > MaxPageSize)
        {
            throw ServiceException.InvalidArgument("page_size", $"must be 1 to {MaxPageSize}, not {request.PageSize}");
        }

        if (search.PageToken.Length > 0 && !Id().IsMatch(search.PageToken))
        {
            throw ServiceException.InvalidArgument("page_token", "is not a token this service gave");
        }

        return search;
    }

    /// <summary>Whether <paramref name="offer"/> is one a checked <paramref name="search"/> asks for: every filter must hold.</summary>
    public static bool Matches(ListOffersRequest search, Offer offer)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(offer);
        return offer.Status == search.Status
               && (search.Species.Length == 0 || offer.Body.Species == search.Species)
               && offer.Body.Condition >= search.MinCondition
               && (!search.HasMaxPrice || offer.Price <= search.MaxPrice);
    }

    /// <summary>The idempotency key of a purchase: the request's, else the call's Gaming-Idempotency-Key header.</summary>
    public static string IdempotencyKey(string key, CallContext context)
    {
        var chosen = key.Length > 0 ? key : context.IdempotencyKey ?? "";
        return chosen.Length is 0 or > 128
            ? throw ServiceException.InvalidArgument("idempotency_key", "is required (1-128 characters): a repeat with the same key returns the first result")
            : chosen;
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,31}\z")]
    private static partial Regex Species();

    [GeneratedRegex(@"\A[0-9a-f]{32}\z")]
    private static partial Regex Id();
}

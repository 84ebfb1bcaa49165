using System.Text.RegularExpressions;
using GamingSystem.Contracts;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.WorldState;

/// <summary>What a world-state request may say; every refusal names its field.</summary>
public static partial class WorldRules
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;
    public const int MaxDanger = 10;
    public const long MaxPopulation = 10_000_000_000;
    public const int MaxFactionLength = 64;
    public const int MaxTags = 16;

    /// <summary>The fields UpdateRegion may change; the rest (name, climate, neighbours) are the map itself.</summary>
    public static readonly IReadOnlySet<string> UpdatableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "controlling_faction", "danger", "population", "tags",
    };

    public static void RegionId(string regionId, string field = "region_id") => RegionField.Check(regionId, field);

    public static int PageSize(int pageSize) => pageSize switch
    {
        0 => DefaultPageSize,
        < 0 or > MaxPageSize => throw ServiceException.InvalidArgument("page_size", $"must be 1-{MaxPageSize} (0 for {DefaultPageSize})"),
        _ => pageSize,
    };

    /// <summary>A page token is the id of the last region of the previous page.</summary>
    public static void PageToken(string pageToken)
    {
        if (pageToken.Length > 0 && !RegionIds.IsValid(pageToken))
        {
            throw ServiceException.InvalidArgument("page_token", "is not a token this service gave: pass next_page_token from the previous page");
        }
    }

    public static void Tag(string tag, string field)
    {
        if (!TagShape().IsMatch(tag))
        {
            throw ServiceException.InvalidArgument(field, "must be a tag: 1-32 lowercase letters, digits and '-'");
        }
    }

    /// <summary>The paths of the mask, each one UpdateRegion may change, with the new values checked.</summary>
    public static IReadOnlyList<string> Update(UpdateRegionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RegionId(request.RegionId);
        if (request.Region is null)
        {
            throw ServiceException.InvalidArgument("region", "required: the new values of the fields in update_mask");
        }

        var paths = Paths(request.UpdateMask);
        var region = request.Region;
        if (request.HasExpectedVersion && request.ExpectedVersion < 1)
        {
            throw ServiceException.InvalidArgument("expected_version", "must be a version a read returned (1 or more)");
        }

        foreach (var path in paths)
        {
            switch (path)
            {
                case "controlling_faction" when string.IsNullOrWhiteSpace(region.ControllingFaction) || region.ControllingFaction.Length > MaxFactionLength
                    || region.ControllingFaction.Any(char.IsControl):
                    throw ServiceException.InvalidArgument("region.controlling_faction", $"must be 1-{MaxFactionLength} printable characters");
                case "danger" when region.Danger is < 0 or > MaxDanger:
                    throw ServiceException.InvalidArgument("region.danger", $"must be 0-{MaxDanger}");
                case "population" when region.Population is < 0 or > MaxPopulation:
                    throw ServiceException.InvalidArgument("region.population", $"must be 0-{MaxPopulation}");
                case "tags":
                    Tags(region.Tags);
                    break;
            }
        }

        return paths;
    }

    private static IReadOnlyList<string> Paths(FieldMask? mask)
    {
        if (mask is null || mask.Paths.Count == 0)
        {
            throw ServiceException.InvalidArgument("update_mask", $"name at least one field to change: {string.Join(", ", UpdatableFields)}");
        }

        foreach (var path in mask.Paths)
        {
            if (!UpdatableFields.Contains(path))
            {
                throw ServiceException.InvalidArgument("update_mask", $"'{path}' cannot be changed; the fields that can: {string.Join(", ", UpdatableFields)}");
            }
        }

        return mask.Paths.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Tags(IReadOnlyCollection<string> tags)
    {
        if (tags.Count > MaxTags)
        {
            throw ServiceException.InvalidArgument("region.tags", $"at most {MaxTags} tags");
        }

        foreach (var tag in tags)
        {
            Tag(tag, "region.tags");
        }

        if (tags.Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            throw ServiceException.InvalidArgument("region.tags", "each tag once");
        }
    }

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex TagShape();
}

using System.Text.RegularExpressions;

namespace GamingSystem.Contracts;

/// <summary>The shape of a region id (world_state.proto's <c>Region.id</c>), for every service that takes one.</summary>
public static partial class RegionIds
{
    /// <summary>What a refusal says a region id must be.</summary>
    public const string Shape = "must be a region id: 1-64 lowercase letters, digits and single '-', e.g. saltmoor";

    public static bool IsValid(string regionId) => regionId is not null && Pattern().IsMatch(regionId);

    [GeneratedRegex("^(?=.{1,64}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();
}

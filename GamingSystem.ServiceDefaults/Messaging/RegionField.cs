using GamingSystem.Contracts;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>The check of a request's region id, the same in every service that takes one.</summary>
public static class RegionField
{
    /// <summary>INVALID_ARGUMENT naming <paramref name="field"/> unless <paramref name="regionId"/> has a region id's shape.</summary>
    public static void Check(string regionId, string field = "region_id")
    {
        if (!RegionIds.IsValid(regionId))
        {
            throw ServiceException.InvalidArgument(field, string.IsNullOrEmpty(regionId) ? "required" : RegionIds.Shape);
        }
    }
}

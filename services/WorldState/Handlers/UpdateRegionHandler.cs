using System.Globalization;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.WorldState.Handlers;

/// <summary>
/// Changes the masked fields with compare-and-set. With expected_version the caller's read must still be current;
/// without it the change is applied to whatever is stored, re-read on a concurrent write. A change that changes
/// nothing writes nothing and publishes nothing.
/// </summary>
public sealed partial class UpdateRegionHandler(RegionStore store, WorldEvents events, TimeProvider time, ILogger<UpdateRegionHandler> logger)
    : IServiceHandler<UpdateRegionRequest, Region>
{
    public const string CurrentVersionDetail = "current_version";
    private const int Attempts = 5;

    public async ValueTask<Region> HandleAsync(UpdateRegionRequest request, CallContext context)
    {
        var paths = WorldRules.Update(request);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await store.GetAsync(request.RegionId).ConfigureAwait(false) ?? throw NotFound(request.RegionId);
            if (request.HasExpectedVersion && request.ExpectedVersion != current.Version)
            {
                throw Stale(request.ExpectedVersion, current.Version);
            }

            var updated = current.Clone();
            var changed = paths.Where(path => Apply(updated, request.Region, path)).ToList();
            if (changed.Count == 0)
            {
                return current;
            }

            updated.Version = current.Version + 1;
            updated.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
            var written = await store.UpdateAsync(updated, current.Version).ConfigureAwait(false) ?? throw NotFound(request.RegionId);
            if (written.Ok)
            {
                LogUpdated(updated.Id, updated.Version, string.Join(", ", changed));
                await events.RegionChangedAsync(updated, changed).ConfigureAwait(false);
                return updated;
            }

            if (request.HasExpectedVersion)
            {
                throw Stale(request.ExpectedVersion, written.CurrentVersion);
            }
        }

        throw new ServiceException(ErrorCode.Aborted, $"region '{request.RegionId}' kept changing while this change was applied; try again");
    }

    /// <summary>Copies one masked field; true when its value changed.</summary>
    private static bool Apply(Region target, Region source, string path)
    {
        switch (path)
        {
            case "controlling_faction" when target.ControllingFaction != source.ControllingFaction.Trim():
                target.ControllingFaction = source.ControllingFaction.Trim();
                return true;
            case "danger" when target.Danger != source.Danger:
                target.Danger = source.Danger;
                return true;
            case "population" when target.Population != source.Population:
                target.Population = source.Population;
                return true;
            case "tags" when !target.Tags.SequenceEqual(source.Tags):
                target.Tags.Clear();
                target.Tags.AddRange(source.Tags);
                return true;
            default:
                return false;
        }
    }

    private static ServiceException NotFound(string regionId) => ServiceException.NotFound($"no region '{regionId}'");

    private static ServiceException Stale(long expected, long current) => ServiceException.FailedPrecondition(
        $"the region is at version {current}, not {expected}: read it again and reapply the change",
        new Dictionary<string, string> { [CurrentVersionDetail] = current.ToString(CultureInfo.InvariantCulture) });

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Region {RegionId} is at version {Version}: {Fields} changed")]
    private partial void LogUpdated(string regionId, long version, string fields);
}

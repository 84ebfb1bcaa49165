using GamingSystem.Contracts;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace GamingSystem.WeatherManager;

/// <summary>
/// The regions and their climates, from world-state, kept for a minute (a climate never changes); and the current
/// game hour from time-manager, for a region asked about before any tick reached it.
/// </summary>
public sealed class Regions(ServiceClient client, TimeProvider time, IOptions<WeatherOptions> options)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListRegions = ContractRegistry.WorldState.FindMethodByName("ListRegions");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetTime = ContractRegistry.TimeManager.FindMethodByName("GetTime");

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (IReadOnlyDictionary<string, Region> Regions, DateTimeOffset ReadAt)? _cached;

    public async Task<IReadOnlyDictionary<string, Region>> AllAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } regions)
        {
            return regions;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } read)
            {
                return read;
            }

            var all = new Dictionary<string, Region>(StringComparer.Ordinal);
            var request = new ListRegionsRequest { PageSize = 100 };
            do
            {
                var page = await client.RequestAsync<ListRegionsResponse>(ListRegions, request, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var region in page.Regions)
                {
                    all[region.Id] = region;
                }

                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            _cached = (all, time.GetUtcNow());
            return all;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The region, or NOT_FOUND naming it.</summary>
    public async Task<Region> GetAsync(string regionId, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken).ConfigureAwait(false)).GetValueOrDefault(regionId)
        ?? throw ServiceException.NotFound($"no region '{regionId}': GET /api/v1/world/regions lists them");

    public async Task<long> CurrentHourAsync(CancellationToken cancellationToken)
    {
        var now = await client.RequestAsync<GameTime>(GetTime, new GetTimeRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return now.TotalMinutes / 60;
    }

    private IReadOnlyDictionary<string, Region>? Fresh() =>
        _cached is { } cached && time.GetUtcNow() - cached.ReadAt < options.Value.RegionCacheDuration ? cached.Regions : null;
}

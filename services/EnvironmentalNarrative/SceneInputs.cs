using GamingSystem.Contracts;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.EnvironmentalNarrative.Domain;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;

namespace GamingSystem.EnvironmentalNarrative;

/// <summary>
/// A region's scene. The region and its weather come from the snapshots the events keep current; only a region no
/// event has told of yet is read from world-state and weather-manager, once. The day phase is time-manager's, and a
/// personal scene asks world-state where the reader is.
/// </summary>
public sealed class SceneInputs(NarrativeStore store, ServiceClient client)
{
    private static readonly MethodDescriptor GetRegion = ContractRegistry.WorldState.FindMethodByName("GetRegion");
    private static readonly MethodDescriptor GetPlayerLocation = ContractRegistry.WorldState.FindMethodByName("GetPlayerLocation");
    private static readonly MethodDescriptor GetWeather = ContractRegistry.WeatherManager.FindMethodByName("GetWeather");
    private static readonly MethodDescriptor GetTime = ContractRegistry.TimeManager.FindMethodByName("GetTime");

    public async Task<Scene> SceneAsync(string regionId, string? playerId, CancellationToken cancellationToken)
    {
        var time = client.RequestAsync<GameTime>(GetTime, new GetTimeRequest(), cancellationToken: cancellationToken);
        Task<PlayerLocation>? location = playerId is null
            ? null
            : client.RequestAsync<PlayerLocation>(GetPlayerLocation, new GetPlayerLocationRequest(), cancellationToken: cancellationToken);
        var known = await store.InputsAsync(regionId).ConfigureAwait(false);
        var region = known.Region;
        if (region is null)
        {
            region = await client.RequestAsync<Region>(GetRegion, new GetRegionRequest { RegionId = regionId }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await store.RegionAsync(region).ConfigureAwait(false);
        }

        var weather = known.Weather;
        if (weather is null)
        {
            weather = await client.RequestAsync<Weather>(GetWeather, new GetWeatherRequest { RegionId = regionId }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await store.WeatherAsync(weather).ConfigureAwait(false);
        }

        var viewer = location is null ? Viewer.Anyone
            : (await location.ConfigureAwait(false)).RegionId == regionId ? Viewer.PlayerHere
            : Viewer.PlayerAway;
        return new Scene(region, weather, (await time.ConfigureAwait(false)).Phase, known.RecentEvents, known.EventsVersion, viewer);
    }
}

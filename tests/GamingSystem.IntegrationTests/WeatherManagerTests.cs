using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.WeatherManager.Domain;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// weather-manager on the booted system, driven by ticks the test publishes itself far ahead of the real clock: the
/// weather is what the seeded chain gives for those ticks, the forecast is what then happens, changes are published.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WeatherManagerTests(SystemFixture system) : IAsyncLifetime
{
    /// <summary>The AppHost's seed (WeatherManager:Seed's default).</summary>
    private const long Seed = 1337;

    private readonly ContentApi _api = new(system);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task The_same_seed_and_ticks_give_the_same_weather_and_the_forecast_is_what_then_happens()
    {
        var region = await _api.CallAsync<Region>(HttpMethod.Get, "/api/v1/world/regions/greywatch");
        var now = await _api.CallAsync<Weather>(HttpMethod.Get, "/api/v1/weather/greywatch");
        var since = DateTimeOffset.UtcNow.AddSeconds(-2);
        // Far past the real clock and anything a test ticked before: the chain starts afresh there (past its catch-up limit).
        var first = (now.GameMinutes / 60) + 100_000;

        await WorldApi.TickAsync(_bus, first);
        var started = await WeatherAtAsync("greywatch", first);
        var forecast = await _api.CallAsync<Forecast>(HttpMethod.Get, "/api/v1/weather/greywatch/forecast?hours=12");
        var observed = new List<Weather>();
        for (var hour = first + 1; hour <= first + 12; hour++)
        {
            await WorldApi.TickAsync(_bus, hour);
            observed.Add(await WeatherAtAsync("greywatch", hour));
        }

        // A late tick of an hour already passed changes nothing.
        await WorldApi.TickAsync(_bus, first + 3);
        await WorldApi.TickAsync(_bus, first + 13);
        var afterLate = await WeatherAtAsync("greywatch", first + 13);

        Assert.Equal(WeatherChain.Start(Seed, "greywatch", region.Climate, first), started);
        var expected = WeatherChain.Run(Seed, region.Climate, started, first + 12).ToList();
        Assert.Equal(expected, observed);
        Assert.Equal(WeatherChain.Step(Seed, "greywatch", region.Climate, observed[^1].Condition, first + 13), afterLate);
        Assert.Equal(Enumerable.Range(1, 12), forecast.Hours.Select(h => h.Hour));
        Assert.Equal(observed.Select(w => (w.Condition, w.TemperatureCelsius, w.WindKph, w.PrecipitationMm)),
            forecast.Hours.Select(h => (h.Condition, h.TemperatureCelsius, h.WindKph, h.PrecipitationMm)));
        Assert.All(forecast.Hours, h => Assert.InRange(h.Probability, 0.0001, 1));
        Assert.Equal(WeatherChain.Distribution(region.Climate, started.Condition, 1)[WeatherChain.Index(observed[0].Condition)], forecast.Hours[0].Probability, 4);

        // Every change of condition was published once, with the condition it changed from.
        var changes = WorldApi.Parse(await WorldApi.EventsSinceAsync(_bus, "evt.weather.changed", since), WeatherChanged.Parser)
            .Where(e => e.Weather.RegionId == "greywatch" && e.Weather.GameMinutes / 60 > first).ToList();
        var path = new[] { started }.Concat(observed).ToList();
        var expectedChanges = path.Zip(path.Skip(1)).Where(p => p.First.Condition != p.Second.Condition)
            .Select(p => (p.First.Condition, p.Second.Condition, p.Second.GameMinutes)).ToList();
        Assert.Equal(expectedChanges, changes.Select(c => (c.PreviousCondition, c.Weather.Condition, c.Weather.GameMinutes)));
    }

    [Fact]
    public async Task An_unknown_region_is_404_and_a_bad_region_or_forecast_length_is_400_naming_the_field()
    {
        var unknown = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/weather/atlantis");
        var malformed = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/weather/Not-A-Region");
        var none = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/weather/quill/forecast?hours=0");
        var tooMany = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/weather/quill/forecast?hours=73");
        var desert = await _api.CallAsync<Weather>(HttpMethod.Get, "/api/v1/weather/glass-waste");

        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (unknown.Status, unknown.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "region_id"), (malformed.Status, malformed.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "hours"), (none.Status, none.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "hours"), (tooMany.Status, tooMany.Field));
        Assert.Equal("glass-waste", desert.RegionId);
        Assert.NotEqual(Condition.Snow, desert.Condition);
        Assert.Equal(0, desert.GameMinutes % 60);
    }

    private async Task<Weather> WeatherAtAsync(string regionId, long gameHour) =>
        await ContentApi.UntilAsync(
            async () => await _api.CallAsync<Weather>(HttpMethod.Get, $"/api/v1/weather/{regionId}") is var w && w.GameMinutes == gameHour * 60 ? w : null,
            $"the weather of {regionId} at game hour {gameHour}");
}

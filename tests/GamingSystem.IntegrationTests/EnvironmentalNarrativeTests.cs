using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EnvironmentalNarrative.V1;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// environmental-narrative on the booted system: a description is served from the cache while nothing it is made of
/// changed, and written anew when the weather (ticks of our own), the day phase (the clock run fast) or the region
/// (an administrator's update) changes; the events, not polling, tell it so.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EnvironmentalNarrativeTests(SystemFixture system) : IAsyncLifetime
{
    private readonly ContentApi _api = new(system);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync()
    {
        await ContentApi.BusAsync<GameTime>(_bus, ContractRegistry.TimeManager, "SetScale", new SetScaleRequest { Scale = 1 });
        await ContentApi.BusAsync<GameTime>(_bus, ContractRegistry.TimeManager, "Resume", new ResumeRequest());
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task An_unchanged_region_is_served_from_the_cache_and_a_change_of_weather_writes_it_anew()
    {
        await PauseAsync();
        var first = await DescribeAsync("hollow-marches");
        var second = await DescribeAsync("hollow-marches");

        var weather = await _api.CallAsync<Weather>(HttpMethod.Get, "/api/v1/weather/hollow-marches");
        var hour = (weather.GameMinutes / 60) + 1;
        // One tick at a time, each handled before the next, until the weather turns: then nothing else changes it.
        Weather changed;
        do
        {
            await WorldApi.TickAsync(_bus, hour);
            changed = await ContentApi.UntilAsync(
                async () => await _api.CallAsync<Weather>(HttpMethod.Get, "/api/v1/weather/hollow-marches") is var w && w.GameMinutes == hour * 60 ? w : null,
                $"the weather of game hour {hour}");
            hour++;
        }
        while (changed.Condition == weather.Condition);
        var rewritten = await ContentApi.UntilAsync(async () => await DescribeAsync("hollow-marches") is { Weather: var w } d && w == changed.Condition ? d : null,
            "a description with the new weather");

        Assert.False(string.IsNullOrWhiteSpace(first.Text));
        Assert.Equal((first.Text, first.Source, true), (second.Text, second.Source, second.Cached));
        Assert.Equal(weather.Condition, first.Weather);
        Assert.False(rewritten.Cached);
        Assert.NotEqual(first.Text, rewritten.Text);
        Assert.True((await DescribeAsync("hollow-marches")).Cached);
    }

    [Fact]
    public async Task A_new_day_phase_or_an_updated_region_writes_the_description_anew()
    {
        await PauseAsync();
        var before = await DescribeAsync("thornwood");
        await ContentApi.BusAsync<GameTime>(_bus, ContractRegistry.TimeManager, "SetScale", new SetScaleRequest { Scale = 1000 });
        await ContentApi.BusAsync<GameTime>(_bus, ContractRegistry.TimeManager, "Resume", new ResumeRequest());
        await ContentApi.UntilAsync(
            async () => (await _api.CallAsync<GameTime>(HttpMethod.Get, "/api/v1/time")).Phase != before.Phase ? "" : null, "the day phase to change");
        var phase = await PauseAsync();
        var newPhase = await DescribeAsync("thornwood");

        var admin = await Sessions.AdminAsync(system);
        var region = await _api.CallAsync<Region>(HttpMethod.Get, "/api/v1/world/regions/thornwood");
        var faction = region.ControllingFaction == "The Thorn Wardens" ? "The Briar Court" : "The Thorn Wardens";
        await _api.CallAsync<Region>(HttpMethod.Patch, "/api/v1/world/regions/thornwood", new Region { ControllingFaction = faction }, admin);
        var updated = await ContentApi.UntilAsync(async () => await DescribeAsync("thornwood") is { Cached: false } d ? d : null, "a description of the updated region");

        Assert.Equal((phase.Phase, false), (newPhase.Phase, newPhase.Cached));
        Assert.NotEqual(before.Text, newPhase.Text);
        Assert.NotEqual(newPhase.Text, updated.Text);
        Assert.True((await DescribeAsync("thornwood")).Cached);
    }

    [Fact]
    public async Task A_personal_description_speaks_to_where_the_player_is_and_needs_a_session()
    {
        await PauseAsync();
        var player = await _api.Http.NewPlayerAsync();
        var anyone = await DescribeAsync("emberly");
        var here = await _api.CallAsync<Description>(HttpMethod.Get, "/api/v1/narrative/regions/emberly?personal=true", token: player.Token);
        var away = await _api.CallAsync<Description>(HttpMethod.Get, "/api/v1/narrative/regions/quill?personal=true", token: player.Token);
        var anonymous = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/narrative/regions/emberly?personal=true");
        var unknown = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/narrative/regions/atlantis");

        Assert.NotEqual(anyone.Text, here.Text);
        Assert.NotEqual(here.Text, away.Text);
        Assert.Contains(here.Source, new[] { ContentSource.Ai, ContentSource.Fallback });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    /// <summary>The clock held still, so the day phase cannot change under a test that compares two descriptions.</summary>
    private Task<GameTime> PauseAsync() => ContentApi.BusAsync<GameTime>(_bus, ContractRegistry.TimeManager, "Pause", new PauseRequest());

    private Task<Description> DescribeAsync(string regionId) => _api.CallAsync<Description>(HttpMethod.Get, $"/api/v1/narrative/regions/{regionId}");
}

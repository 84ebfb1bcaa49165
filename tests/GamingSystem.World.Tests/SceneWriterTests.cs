using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.EnvironmentalNarrative.Domain;
using GamingSystem.EnvironmentalNarrative.Handlers;

namespace GamingSystem.World.Tests;

public sealed class SceneWriterTests
{
    private static readonly Region Quill = new() { Id = "quill", Name = "Quill", ControllingFaction = "Order of the Quiet Flame", Danger = 1, Population = 4100, Version = 4, Tags = { "library" } };

    private static Scene Scene(Condition condition = Condition.Rain, DayPhase phase = DayPhase.Dusk, Viewer viewer = Viewer.Anyone, long events = 0, IReadOnlyList<string>? news = null) =>
        new(Quill, new Weather { RegionId = "quill", Condition = condition, TemperatureCelsius = 7.4 }, phase, news ?? [], events, viewer);

    [Fact]
    public void The_fallback_says_the_phase_the_weather_the_people_and_the_news()
    {
        var text = SceneWriter.Compose(Scene(news: ["Order of the Quiet Flame took control"]));

        Assert.StartsWith("Quill lies in the long shadows of dusk.", text, StringComparison.Ordinal);
        Assert.Contains("Rain drums", text, StringComparison.Ordinal);
        Assert.Contains("cold (7.4 °C)", text, StringComparison.Ordinal);
        Assert.Contains("Some 4100 people", text, StringComparison.Ordinal);
        Assert.Contains("the roads are safe", text, StringComparison.Ordinal);
        Assert.EndsWith("Lately Order of the Quiet Flame took control.", text, StringComparison.Ordinal);
        Assert.StartsWith("You stand in Quill", SceneWriter.Compose(Scene(viewer: Viewer.PlayerHere)), StringComparison.Ordinal);
        Assert.StartsWith("Far from where you stand", SceneWriter.Compose(Scene(viewer: Viewer.PlayerAway)), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_input_changes_the_signature_and_the_seed_and_the_same_inputs_keep_them()
    {
        var scenes = new[]
        {
            Scene(), Scene(condition: Condition.Clear), Scene(phase: DayPhase.Night), Scene(viewer: Viewer.PlayerHere), Scene(events: 1),
            Scene() with { Region = new Region(Quill) { Version = 5 } },
        };

        Assert.Equal(scenes.Length, scenes.Select(s => s.Signature).Distinct().Count());
        Assert.Equal(scenes.Length, scenes.Select(s => s.Seed).Distinct().Count());
        Assert.Equal((Scene().Signature, Scene().Seed), (scenes[0].Signature, scenes[0].Seed));
    }

    [Fact]
    public void A_region_change_is_told_as_news_field_by_field()
    {
        var region = new Region { ControllingFaction = "Dwarven Clans", Danger = 6, Population = 10, Tags = { "mines" } };

        Assert.Equal("Dwarven Clans took control, the danger is now 6 of 10", RegionChangedHandler.News(region, ["controlling_faction", "danger"]));
        Assert.Equal("its people number 10, it is known for mines", RegionChangedHandler.News(region, ["population", "tags"]));
    }
}

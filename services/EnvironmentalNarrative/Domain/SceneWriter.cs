using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WeatherManager.V1;

namespace GamingSystem.EnvironmentalNarrative.Domain;

/// <summary>The deterministic description: what the service says when AI is skipped or fails, and the facts given to a model.</summary>
public static class SceneWriter
{
    public static string Compose(Scene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var region = scene.Region;
        var opening = scene.Viewer switch
        {
            Viewer.PlayerHere => $"You stand in {region.Name} {PhaseWords(scene.Phase)}.",
            Viewer.PlayerAway => $"Far from where you stand, {region.Name} lies {PhaseWords(scene.Phase)}.",
            _ => $"{region.Name} lies {PhaseWords(scene.Phase)}.",
        };
        var sky = $"{Sky(scene.Weather.Condition)}, and the air is {Temperature(scene.Weather.TemperatureCelsius)} ({scene.Weather.TemperatureCelsius:0.#} °C).";
        var people = region.Population switch
        {
            0 => "Nobody lives here now.",
            < 500 => $"Only {region.Population} souls keep to these parts.",
            < 5000 => $"Some {region.Population} people live here.",
            _ => $"Its {region.Population} people crowd the streets.",
        };
        var rule = $"{region.ControllingFaction} hold sway, and {Danger(region.Danger)}.";
        var news = scene.RecentEvents.Count > 0 ? $" Lately {string.Join("; ", scene.RecentEvents.Take(3))}." : "";
        return $"{opening} {sky} {people} {rule}{news}";
    }

    /// <summary>The facts a model is asked to turn into prose.</summary>
    public static string Prompt(Scene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var region = scene.Region;
        var viewer = scene.Viewer switch
        {
            Viewer.PlayerHere => "Address the reader, who is standing there.",
            Viewer.PlayerAway => "Address the reader, who is far away.",
            _ => "Describe it to any traveller.",
        };
        return $"""
            Describe {region.Name} in one paragraph. {viewer}
            Time of day: {scene.Phase}. Weather: {scene.Weather.Condition}, {scene.Weather.TemperatureCelsius:0.#} °C, wind {scene.Weather.WindKph:0} km/h.
            Ruled by {region.ControllingFaction}; danger {region.Danger} of 10; population {region.Population}; known for {string.Join(", ", region.Tags)}.
            Recent events: {(scene.RecentEvents.Count > 0 ? string.Join("; ", scene.RecentEvents) : "none")}.
            """;
    }

    private static string PhaseWords(DayPhase phase) => phase switch
    {
        DayPhase.Dawn => "in the grey light of dawn",
        DayPhase.Day => "under the full light of day",
        DayPhase.Dusk => "in the long shadows of dusk",
        DayPhase.Night => "wrapped in night",
        _ => "in an hour no clock names",
    };

    private static string Sky(Condition condition) => condition switch
    {
        Condition.Clear => "The sky is clear",
        Condition.Cloudy => "Clouds hang low over the roofs",
        Condition.Fog => "A thick fog swallows the road",
        Condition.Rain => "Rain drums on every surface",
        Condition.Storm => "A storm howls overhead",
        Condition.Snow => "Snow falls in slow drifts",
        Condition.Sandstorm => "A sandstorm scours the land",
        _ => "The sky gives nothing away",
    };

    private static string Temperature(double celsius) => celsius switch
    {
        < -10 => "bitterly cold",
        < 2 => "freezing",
        < 10 => "cold",
        < 18 => "mild",
        < 26 => "warm",
        _ => "hot",
    };

    private static string Danger(int danger) => danger switch
    {
        <= 2 => "the roads are safe",
        <= 5 => "travellers keep their blades close",
        <= 8 => "few travel here without an escort",
        _ => "only the desperate or the foolish come here",
    };
}

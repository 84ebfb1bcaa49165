namespace GamingSystem.WeatherManager;

public sealed class WeatherOptions
{
    public const string SectionName = "WeatherManager";

    /// <summary>The chains' seed: the same seed and the same ticks give the same weather.</summary>
    public long Seed { get; set; } = 1337;

    /// <summary>How long the regions read from world-state are reused (their climates do not change).</summary>
    public TimeSpan RegionCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After a long stop, a region is advanced at most this many hours at once; earlier hours are skipped.</summary>
    public int MaxCatchUpHours { get; set; } = 168;

    public const int MaxForecastHours = 72;
}

namespace GamingSystem.TimeManager;

public sealed class TimeOptions
{
    public const string SectionName = "TimeManager";

    /// <summary>Game minutes per real second when the world first starts: a game hour a real minute.</summary>
    public double InitialScale { get; set; } = 1;

    /// <summary>Where the world's clock starts: 06:00 on day 1, at dawn.</summary>
    public long StartMinutes { get; set; } = 6 * 60;

    /// <summary>How long the ticker's lease lasts unrenewed: a dead holder is replaced after at most this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the holder renews its lease, and the longest the ticker sleeps.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a long stop, at most this many missed hours are ticked; older ones are skipped (and logged).</summary>
    public int MaxCatchUpHours { get; set; } = 168;
}

namespace GamingSystem.PerformanceMode.Quality;

/// <summary>
/// The hysteresis of the quality recommendation (section <c>PerformanceMode:Quality</c>). Frame rate is smoothed
/// (an exponential moving average) and compared with a band: below <see cref="DownFps"/> minus <see cref="Margin"/>
/// for <see cref="ReportsToChange"/> reports in a row lowers the preset one step, above <see cref="UpFps"/> plus
/// the margin raises it; three margins past a threshold changes at once. Between the thresholds nothing changes,
/// and after a change <see cref="CooldownReports"/> reports pass before the next, so noise around a threshold
/// cannot make the preset flap. A further step down waits until the frame rate has moved two margins from where the
/// last step down was taken: a step that changed nothing is not repeated.
/// </summary>
public sealed class QualityOptions
{
    public const string SectionName = "PerformanceMode:Quality";

    public double DownFps { get; set; } = 45;

    public double UpFps { get; set; } = 80;

    public double Margin { get; set; } = 5;

    public int ReportsToChange { get; set; } = 3;

    /// <summary>Weight of the newest report in the moving average (0-1]; 1 is no smoothing.</summary>
    public double Smoothing { get; set; } = 0.3;

    public int CooldownReports { get; set; } = 5;

    /// <summary>A ping above this is mentioned in the reason: the network's problem, which graphics cannot fix.</summary>
    public double HighPingMs { get; set; } = 150;

    /// <summary>How long a player's state is kept after their last report.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromDays(7);
}

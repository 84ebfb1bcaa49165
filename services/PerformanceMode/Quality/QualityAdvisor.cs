using System.Globalization;
using GamingSystem.Contracts.PerformanceMode.V1;

namespace GamingSystem.PerformanceMode.Quality;

/// <summary>One player's recommendation state: the preset, the smoothed frame rate and the hysteresis counters.</summary>
/// <param name="Streak">Reports in a row past a threshold: negative below the lower one, positive above the upper.</param>
/// <param name="Cooldown">Reports still to pass before another change.</param>
/// <param name="LastDownFps">The smoothed frame rate when the preset was last lowered; 0 when it was not.</param>
public sealed record QualityState(QualityPreset Preset, double SmoothedFps, int Streak, int Cooldown, long Reports, double LastDownFps = 0);

/// <summary>One client report, validated.</summary>
public sealed record ClientSample(double Fps, double PingMs, DeviceTier Tier);

/// <summary>The preset a client should run, with hysteresis (see <see cref="QualityOptions"/>). Pure: state in, state out.</summary>
public static class QualityAdvisor
{
    public static (QualityState State, QualityRecommendation Recommendation) Next(QualityState? state, ClientSample sample, QualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(options);
        var (lowest, highest) = (QualityPreset.Low, Ceiling(sample.Tier));
        if (state is null)
        {
            var start = Start(sample.Tier);
            return (new QualityState(start, sample.Fps, 0, 0, 1, 0),
                Recommend(start, changed: true, $"first report: {Name(start)}, the starting preset of a {Tier(sample.Tier)} device", sample, options));
        }

        var smoothed = (options.Smoothing * sample.Fps) + ((1 - options.Smoothing) * state.SmoothedFps);
        var (down, up) = (options.DownFps - options.Margin, options.UpFps + options.Margin);
        var streak = smoothed < down ? Math.Min(state.Streak, 0) - 1 : smoothed > up ? Math.Max(state.Streak, 0) + 1 : 0;
        var cooldown = Math.Max(0, state.Cooldown - 1);
        var next = state with { SmoothedFps = smoothed, Streak = streak, Cooldown = cooldown, Reports = state.Reports + 1 };
        var fps = Fps(smoothed);

        // A device moved to a weaker tier (or reporting one for the first time) is capped at once.
        if (state.Preset > highest)
        {
            return (next with { Preset = highest, Streak = 0, Cooldown = options.CooldownReports },
                Recommend(highest, changed: true, $"lowered to {Name(highest)}: the most a {Tier(sample.Tier)} device runs", sample, options));
        }

        if (streak == 0)
        {
            return (next, Recommend(state.Preset, false, $"held at {Name(state.Preset)}: smoothed {fps} fps is within {Fps(down)}-{Fps(up)}", sample, options));
        }

        var lower = streak < 0;
        var target = lower ? state.Preset - 1 : state.Preset + 1;
        if (target < lowest || target > highest)
        {
            return (next with { Streak = 0 }, Recommend(state.Preset, false,
                $"held at {Name(state.Preset)}: smoothed {fps} fps, but it is the {(lower ? "lowest preset" : $"highest for a {Tier(sample.Tier)} device")}", sample, options));
        }

        // A step down that did not move the frame rate (a device bound by something graphics do not change) is not
        // repeated: another would cost quality for nothing, and noise around the threshold would walk the preset down.
        if (lower && state.LastDownFps > 0 && Math.Abs(smoothed - state.LastDownFps) < 2 * options.Margin)
        {
            return (next, Recommend(state.Preset, false,
                $"held at {Name(state.Preset)}: smoothed {fps} fps, no better or worse than when it was lowered ({Fps(state.LastDownFps)})", sample, options));
        }

        var clearly = lower ? smoothed < options.DownFps - (3 * options.Margin) : smoothed > options.UpFps + (3 * options.Margin);
        var enough = Math.Abs(streak) >= options.ReportsToChange || clearly;
        if (!enough || cooldown > 0)
        {
            var why = cooldown > 0
                ? $"a change was made {options.CooldownReports - cooldown} reports ago; {cooldown} more before the next"
                : $"{Math.Abs(streak)} of {options.ReportsToChange} reports {(lower ? "below" : "above")} {Fps(lower ? down : up)}";
            return (next, Recommend(state.Preset, false, $"held at {Name(state.Preset)}: smoothed {fps} fps, {why}", sample, options));
        }

        return (next with { Preset = target, Streak = 0, Cooldown = options.CooldownReports, LastDownFps = lower ? smoothed : 0 },
            Recommend(target, true, $"{(lower ? "lowered" : "raised")} to {Name(target)}: smoothed {fps} fps {(lower ? "below" : "above")} {Fps(lower ? down : up)}" +
                (clearly ? " by far" : $" for {Math.Abs(streak)} reports"), sample, options));
    }

    /// <summary>Where a device starts: what its tier usually runs well.</summary>
    public static QualityPreset Start(DeviceTier tier) => tier switch
    {
        DeviceTier.Low => QualityPreset.Low,
        DeviceTier.High => QualityPreset.High,
        _ => QualityPreset.Medium,
    };

    /// <summary>The most a tier is offered: one step above where it starts.</summary>
    public static QualityPreset Ceiling(DeviceTier tier) => tier switch
    {
        DeviceTier.Low => QualityPreset.Medium,
        DeviceTier.High => QualityPreset.Ultra,
        _ => QualityPreset.High,
    };

    private static QualityRecommendation Recommend(QualityPreset preset, bool changed, string reason, ClientSample sample, QualityOptions options) => new()
    {
        Preset = preset,
        Changed = changed,
        Reason = sample.PingMs > options.HighPingMs
            ? $"{reason} (ping {Fps(sample.PingMs)} ms is the network's: a lower preset would not help it)"
            : reason,
    };

    private static string Name(QualityPreset preset) => preset.ToString().ToUpperInvariant();

    private static string Tier(DeviceTier tier) => tier == DeviceTier.Unspecified ? "mid-tier" : $"{tier.ToString().ToLowerInvariant()}-tier";

    private static string Fps(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

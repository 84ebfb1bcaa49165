using GamingSystem.Contracts.TimeManager.V1;

namespace GamingSystem.TimeManager.Domain;

/// <summary>
/// The clock's stored state: game minutes at an anchor instant, and how fast they run from there. The game time at
/// any instant is derived from it, so nothing needs writing as time passes and a restart resumes where the clock is.
/// </summary>
public sealed record ClockState(double BaseMinutes, long AnchorUnixMs, double Scale, bool Paused, long LastTickHour, long Version);

/// <summary>Game time from real time: the one formula, used for reads, changes and ticks alike.</summary>
public static class GameClock
{
    public const double MinScale = 0.01;
    public const double MaxScale = 1000;
    public const int MinutesPerHour = 60;
    public const int MinutesPerDay = 24 * MinutesPerHour;

    /// <summary>Game minutes at <paramref name="now"/>; never less than at the anchor, even if a clock lags behind it.</summary>
    public static double MinutesAt(ClockState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Paused)
        {
            return state.BaseMinutes;
        }

        var elapsedSeconds = Math.Max(0, now.ToUnixTimeMilliseconds() - state.AnchorUnixMs) / 1000.0;
        return state.BaseMinutes + (elapsedSeconds * state.Scale);
    }

    /// <summary>The state re-anchored at <paramref name="now"/>: the same game time, from which a change applies.</summary>
    public static ClockState Anchored(ClockState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state with { BaseMinutes = MinutesAt(state, now), AnchorUnixMs = now.ToUnixTimeMilliseconds() };
    }

    public static ClockState WithScale(ClockState state, double scale, DateTimeOffset now) => Anchored(state, now) with { Scale = scale };

    public static ClockState Paused(ClockState state, DateTimeOffset now) => state.Paused ? state : Anchored(state, now) with { Paused = true };

    /// <summary>Running again from the minute it was paused at: the paused stretch of real time is not counted.</summary>
    public static ClockState Resumed(ClockState state, DateTimeOffset now) =>
        state.Paused ? state with { Paused = false, AnchorUnixMs = now.ToUnixTimeMilliseconds() } : state;

    /// <summary>Real time until the game minutes reach <paramref name="minutes"/> at the current scale; null while paused.</summary>
    public static TimeSpan? Until(ClockState state, double minutes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Paused)
        {
            return null;
        }

        var remaining = minutes - MinutesAt(state, now);
        return remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(remaining / state.Scale);
    }

    public static GameTime ToGameTime(long totalMinutes, double scale, bool paused)
    {
        var minuteOfDay = (int)(totalMinutes % MinutesPerDay);
        var hour = minuteOfDay / MinutesPerHour;
        return new GameTime
        {
            TotalMinutes = totalMinutes,
            Day = (totalMinutes / MinutesPerDay) + 1,
            Hour = hour,
            Minute = minuteOfDay % MinutesPerHour,
            Phase = PhaseOf(hour),
            Scale = scale,
            Paused = paused,
        };
    }

    public static GameTime ToGameTime(ClockState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ToGameTime((long)Math.Floor(MinutesAt(state, now)), state.Scale, state.Paused);
    }

    /// <summary>Dawn 05:00-07:59, day 08:00-17:59, dusk 18:00-20:59, night 21:00-04:59.</summary>
    public static DayPhase PhaseOf(int hour) => hour switch
    {
        < 0 or > 23 => throw new ArgumentOutOfRangeException(nameof(hour), hour, "an hour of the day is 0-23"),
        >= 5 and < 8 => DayPhase.Dawn,
        >= 8 and < 18 => DayPhase.Day,
        >= 18 and < 21 => DayPhase.Dusk,
        _ => DayPhase.Night,
    };

    /// <summary>The phase of game hour number <paramref name="gameHour"/> (hours since the world began).</summary>
    public static DayPhase PhaseOfGameHour(long gameHour) => PhaseOf((int)(gameHour % 24));
}

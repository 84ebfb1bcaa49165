using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.TimeManager.Domain;

namespace GamingSystem.World.Tests;

public sealed class GameClockTests
{
    private static readonly DateTimeOffset Anchor = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static ClockState Running(double scale = 60) => new(360, Anchor.ToUnixTimeMilliseconds(), scale, false, -1, 1);

    [Fact]
    public void Game_minutes_advance_at_the_scale_from_the_anchor()
    {
        Assert.Equal(360, GameClock.MinutesAt(Running(), Anchor));
        Assert.Equal(360 + 90, GameClock.MinutesAt(Running(), Anchor.AddSeconds(1.5)));
        Assert.Equal(360 + 0.5, GameClock.MinutesAt(Running(0.01), Anchor.AddSeconds(50)), 6);
    }

    [Fact]
    public void A_clock_read_before_its_anchor_never_goes_back()
    {
        Assert.Equal(360, GameClock.MinutesAt(Running(), Anchor.AddSeconds(-30)));
    }

    [Fact]
    public void Pausing_holds_the_minute_and_resuming_does_not_count_the_paused_stretch()
    {
        var paused = GameClock.Paused(Running(), Anchor.AddSeconds(2));
        var later = Anchor.AddMinutes(10);
        var resumed = GameClock.Resumed(paused, later);

        Assert.Equal(480, GameClock.MinutesAt(paused, later));
        Assert.Equal(480, GameClock.MinutesAt(resumed, later));
        Assert.Equal(480 + 60, GameClock.MinutesAt(resumed, later.AddSeconds(1)));
        Assert.Same(paused, GameClock.Paused(paused, later));
        Assert.Same(resumed, GameClock.Resumed(resumed, later));
    }

    [Fact]
    public void A_new_scale_keeps_the_time_reached_and_applies_from_then_on()
    {
        var rescaled = GameClock.WithScale(Running(), 600, Anchor.AddSeconds(1));

        Assert.Equal(420, GameClock.MinutesAt(rescaled, Anchor.AddSeconds(1)));
        Assert.Equal(420 + 600, GameClock.MinutesAt(rescaled, Anchor.AddSeconds(2)));
    }

    [Fact]
    public void Until_is_the_real_time_to_a_game_minute_and_null_while_paused()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), GameClock.Until(Running(), 420, Anchor));
        Assert.Equal(TimeSpan.Zero, GameClock.Until(Running(), 300, Anchor));
        Assert.Null(GameClock.Until(GameClock.Paused(Running(), Anchor), 420, Anchor));
    }

    [Theory]
    [InlineData(0, DayPhase.Night)]
    [InlineData(4, DayPhase.Night)]
    [InlineData(5, DayPhase.Dawn)]
    [InlineData(7, DayPhase.Dawn)]
    [InlineData(8, DayPhase.Day)]
    [InlineData(17, DayPhase.Day)]
    [InlineData(18, DayPhase.Dusk)]
    [InlineData(20, DayPhase.Dusk)]
    [InlineData(21, DayPhase.Night)]
    [InlineData(23, DayPhase.Night)]
    public void Each_hour_belongs_to_its_phase(int hour, DayPhase phase) => Assert.Equal(phase, GameClock.PhaseOf(hour));

    [Fact]
    public void Game_time_splits_total_minutes_into_day_hour_and_minute()
    {
        var time = GameClock.ToGameTime((2 * 1440) + (19 * 60) + 7, 2.5, paused: true);

        Assert.Equal((3L, 19, 7, DayPhase.Dusk, 2.5, true), (time.Day, time.Hour, time.Minute, time.Phase, time.Scale, time.Paused));
        Assert.Equal(DayPhase.Night, GameClock.PhaseOfGameHour(24 + 22));
        Assert.Throws<ArgumentOutOfRangeException>(() => GameClock.PhaseOf(24));
    }
}

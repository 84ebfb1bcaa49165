using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.TimeManager.Domain;

namespace GamingSystem.TimeManager;

/// <summary>A change of the clock applied with compare-and-set: re-read and re-applied when another replica changed it first.</summary>
public sealed partial class ClockChanges(ClockStore store, TimeProvider time, ILogger<ClockChanges> logger)
{
    private const int Attempts = 5;

    public async Task<GameTime> ApplyAsync(string change, Func<ClockState, DateTimeOffset, ClockState> apply)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await store.ReadAsync().ConfigureAwait(false);
            var now = time.GetUtcNow();
            var next = apply(current, now);
            if (next == current || await store.WriteAsync(next).ConfigureAwait(false))
            {
                var gameTime = GameClock.ToGameTime(next, now);
                LogChanged(change, gameTime.Day, gameTime.Hour, gameTime.Minute, next.Scale, next.Paused);
                return gameTime;
            }
        }

        throw new ServiceException(ErrorCode.Aborted, "the clock kept changing while this change was applied; try again");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Clock {Change}: day {Day} {Hour:00}:{Minute:00}, scale {Scale}, paused {Paused}")]
    private partial void LogChanged(string change, long day, int hour, int minute, double scale, bool paused);
}

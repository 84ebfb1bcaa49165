using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.TimeManager.Domain;
using Microsoft.Extensions.Options;

namespace GamingSystem.TimeManager;

/// <summary>
/// Publishes evt.time.tick as each game hour begins, and evt.time.phase_changed when the hour starts a new phase. Of
/// several replicas only the holder of a Redis lease ticks. Each hour is published before it is recorded, under the
/// key <c>time-tick:{hour}</c>: a holder that dies in between leaves the hour to the next holder, whose publish
/// JetStream de-duplicates, so every hour is stored exactly once.
/// </summary>
public sealed partial class Ticker(ClockStore store, EventPublisher publisher, TimeProvider time, IOptions<TimeOptions> options, ILogger<Ticker> logger)
    : BackgroundService
{
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private bool _leading;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.RenewInterval;
            try
            {
                wait = await TickAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Redis or JetStream away: the lease lapses if this lasts, and the hour is ticked once it is back.
                LogFailed(ex);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_leading)
        {
            // Handing over now rather than when the lease lapses: another replica ticks on within a renew interval.
            await store.ReleaseLeaseAsync(_holder).ConfigureAwait(false);
        }
    }

    /// <summary>One round: hold the lease, publish the hours begun since the last one ticked; how long to sleep.</summary>
    private async Task<TimeSpan> TickAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var leading = await store.HoldLeaseAsync(_holder).ConfigureAwait(false);
        if (leading != _leading)
        {
            _leading = leading;
            LogLeadership(leading);
        }

        if (!leading)
        {
            return o.RenewInterval;
        }

        var state = await store.ReadAsync().ConfigureAwait(false);
        var hour = (long)Math.Floor(GameClock.MinutesAt(state, time.GetUtcNow()) / GameClock.MinutesPerHour);
        var last = state.LastTickHour < 0 ? hour : state.LastTickHour;
        if (hour - last > o.MaxCatchUpHours)
        {
            LogSkipped(hour - last - o.MaxCatchUpHours);
            last = hour - o.MaxCatchUpHours;
        }

        for (var next = last + 1; next <= hour; next++)
        {
            await PublishHourAsync(next, state.Scale, cancellationToken).ConfigureAwait(false);
            if (!await store.TickedAsync(_holder, next).ConfigureAwait(false))
            {
                return o.RenewInterval;
            }
        }

        if (state.LastTickHour < 0)
        {
            await store.TickedAsync(_holder, hour).ConfigureAwait(false);
        }

        var untilNext = GameClock.Until(state, (hour + 1) * (double)GameClock.MinutesPerHour, time.GetUtcNow()) ?? o.RenewInterval;
        return untilNext < o.RenewInterval ? untilNext : o.RenewInterval;
    }

    private async Task PublishHourAsync(long gameHour, double scale, CancellationToken cancellationToken)
    {
        var at = GameClock.ToGameTime(gameHour * GameClock.MinutesPerHour, scale, paused: false);
        await publisher.PublishEventAsync(new TimeTick { Time = at }, $"time-tick:{gameHour}", cancellationToken).ConfigureAwait(false);
        var previous = GameClock.PhaseOfGameHour(gameHour - 1);
        if (at.Phase != previous)
        {
            await publisher.PublishEventAsync(new PhaseChanged { PreviousPhase = previous, Time = at }, $"time-phase:{gameHour}", cancellationToken).ConfigureAwait(false);
        }

        LogTicked(at.Day, at.Hour);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Ticker lease held: {Leading}")]
    private partial void LogLeadership(bool leading);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Ticked day {Day} {Hour:00}:00")]
    private partial void LogTicked(long day, int hour);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Hours} missed game hour(s) were not ticked: more than the catch-up limit")]
    private partial void LogSkipped(long hours);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "A ticker round failed; it is retried")]
    private partial void LogFailed(Exception exception);
}

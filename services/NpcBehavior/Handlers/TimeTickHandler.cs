using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.NpcBehavior.Handlers;

/// <summary>Each game hour's tick advances the decay clock once; a tick for an hour already counted is acknowledged and ignored.</summary>
public sealed partial class TimeTickHandler(NpcStore store, ILogger<TimeTickHandler> logger) : IEventHandler<TimeTick>
{
    public async ValueTask HandleAsync(TimeTick evt, EventContext context)
    {
        if (evt.Time is null)
        {
            LogNoTime(context.Sequence);
            return;
        }

        var hour = Math.DivRem(evt.Time.TotalMinutes, 60).Quotient;
        var added = await store.AdvanceAsync(hour).ConfigureAwait(false);
        LogTick(hour, added);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Game hour {Hour}: needs decayed by {Hours} hour(s)")]
    private partial void LogTick(long hour, long hours);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A tick without a time (stream sequence {Sequence}) was ignored")]
    private partial void LogNoTime(ulong sequence);
}

using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.WeatherManager.Handlers;

/// <summary>Each game hour's tick advances every region's chain to that hour; a tick of an hour already reached changes nothing.</summary>
public sealed partial class TimeTickHandler(WeatherBook book, ILogger<TimeTickHandler> logger) : IEventHandler<TimeTick>
{
    public async ValueTask HandleAsync(TimeTick evt, EventContext context)
    {
        if (evt.Time is null)
        {
            LogNoTime(context.Sequence);
            return;
        }

        await book.AdvanceAsync(evt.Time.TotalMinutes / 60, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "A tick without a time (stream sequence {Sequence}) was ignored")]
    private partial void LogNoTime(ulong sequence);
}

using System.Diagnostics;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>W3C trace context in event headers, written by the publisher and read by the consumer.</summary>
internal static class EventTrace
{
    public static void Inject(Activity? activity, NatsHeaders headers)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        headers[EventHeaders.TraceParent] = activity.Id;
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers[EventHeaders.TraceState] = activity.TraceStateString;
        }
    }

    public static ActivityContext Extract(NatsHeaders? headers)
    {
        if (headers is null || !headers.TryGetValue(EventHeaders.TraceParent, out var parent))
        {
            return default;
        }

        headers.TryGetValue(EventHeaders.TraceState, out var state);
        return ActivityContext.TryParse(parent.ToString(), state.ToString(), isRemote: true, out var context) ? context : default;
    }
}

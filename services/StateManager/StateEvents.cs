using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace GamingSystem.StateManager;

/// <summary>
/// Publishes <c>evt.world.state_changed</c> after a successful write. The key and version make the idempotency key,
/// so a write's event is stored once however often this is retried. The write has happened when this runs: if
/// JetStream cannot take the event, the caller still gets its success, and the loss is logged as an error and
/// counted (<c>gaming.events.published</c>, outcome failed).
/// </summary>
public sealed partial class StateEvents(EventPublisher publisher, TimeProvider time, ILogger<StateEvents> logger)
{
    public async Task ChangedAsync(string key, long version, bool deleted)
    {
        var evt = new StateChanged { Key = key, Version = version, Deleted = deleted, ChangedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
        try
        {
            await publisher.PublishEventAsync(evt, $"state:{version}:{(deleted ? "deleted" : "written")}:{key}").ConfigureAwait(false);
        }
        catch (ServiceException ex)
        {
            LogLost(ex, key, version);
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "The state_changed event of {Key} at version {Version} was not published")]
    private partial void LogLost(Exception exception, string key, long version);
}

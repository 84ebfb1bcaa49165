using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Events;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.StateManager;

/// <summary>
/// Publishes <c>evt.world.state_changed</c> after a successful write. The key and version make the idempotency key,
/// so a write's event is stored once however often this is retried. The write has happened when this runs: if
/// JetStream cannot take the event, the caller still gets its success and the loss is logged and counted.
/// </summary>
public sealed class StateEvents(EventPublisher publisher, TimeProvider time)
{
    public async Task ChangedAsync(string key, long version, bool deleted)
    {
        var evt = new StateChanged { Key = key, Version = version, Deleted = deleted, ChangedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
        await publisher.TryPublishEventAsync(evt, $"state:{version}:{(deleted ? "deleted" : "written")}:{key}").ConfigureAwait(false);
    }
}

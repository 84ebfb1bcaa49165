using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Events;
using Google.Protobuf.Reflection;

namespace GamingSystem.Settings;

/// <summary>
/// Publishes <c>evt.settings.changed</c> after a change is stored. Player and version make the idempotency key: a
/// version is written once per player, so a change's event is stored once however often this is retried. The change
/// has happened when this runs, so a lost event is logged and counted rather than failing the caller.
/// </summary>
public sealed class SettingsEvents(EventPublisher publisher)
{
    public async Task ChangedAsync(PlayerSettings settings, IEnumerable<FieldDescriptor> changedFields)
    {
        var evt = new SettingsChanged { PlayerId = settings.PlayerId, Settings = settings };
        evt.ChangedFields.AddRange(changedFields.Select(f => f.Name));
        await publisher.TryPublishEventAsync(evt, $"settings:{settings.PlayerId}:{settings.Version}").ConfigureAwait(false);
    }
}

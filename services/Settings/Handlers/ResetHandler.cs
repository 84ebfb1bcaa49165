using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Settings.Handlers;

/// <summary>
/// Writes the defaults at a new version rather than deleting the stored settings: a deleted record would start again
/// at version 0, and a client holding an older version could then compare-and-set against a number reused.
/// Every field is reported changed, as the contract's event says of a reset.
/// </summary>
public sealed partial class ResetHandler(SettingsStore store, SettingsEvents events, ILogger<ResetHandler> logger)
    : IServiceHandler<ResetSettingsRequest, PlayerSettings>
{
    public async ValueTask<PlayerSettings> HandleAsync(ResetSettingsRequest request, CallContext context)
    {
        var playerId = SettingsRules.Player(context);
        var defaults = SettingsDefaults.For(playerId);

        var result = await store.ChangeAsync(playerId, expectedVersion: null, current =>
        {
            foreach (var field in SettingsFields.Settable)
            {
                SettingsFields.Copy(field, defaults, current);
            }

            return SettingsFields.Settable;
        }).ConfigureAwait(false);

        if (result.Outcome is not ChangeOutcome.Written)
        {
            throw VersionConflict.Contended();
        }

        LogReset(playerId, result.Settings.Version);
        await events.ChangedAsync(result.Settings, result.ChangedFields).ConfigureAwait(false);
        return result.Settings;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Player {PlayerId} reset settings to the defaults at version {Version}")]
    private partial void LogReset(string playerId, long version);
}

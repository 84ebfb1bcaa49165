using System.Globalization;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Settings.Handlers;

/// <summary>
/// Changes the masked fields only. An update that leaves every value as it was stores nothing and publishes nothing,
/// so repeating an update (the contract calls it idempotent, and the client retries it) changes nothing the second time.
/// </summary>
public sealed partial class UpdateHandler(SettingsStore store, SettingsEvents events, ILogger<UpdateHandler> logger)
    : IServiceHandler<UpdateSettingsRequest, PlayerSettings>
{
    public async ValueTask<PlayerSettings> HandleAsync(UpdateSettingsRequest request, CallContext context)
    {
        var playerId = SettingsRules.Player(context);
        var fields = SettingsRules.Mask(request.UpdateMask);
        var wanted = request.Settings ?? throw ServiceException.InvalidArgument("settings", "is required: it carries the values of the masked fields");
        foreach (var field in fields)
        {
            SettingsRules.Value(field, wanted);
        }

        long? expected = request.HasExpectedVersion ? request.ExpectedVersion : null;
        SettingsRules.ExpectedVersion(expected);

        var result = await store.ChangeAsync(playerId, expected, current =>
        {
            var changed = new List<FieldDescriptor>(fields.Count);
            foreach (var field in fields)
            {
                if (SettingsFields.Copy(field, wanted, current))
                {
                    changed.Add(field);
                }
            }

            return changed;
        }).ConfigureAwait(false);

        switch (result.Outcome)
        {
            case ChangeOutcome.Written:
                LogUpdated(playerId, result.Settings.Version, string.Join(", ", result.ChangedFields.Select(f => f.Name)));
                await events.ChangedAsync(result.Settings, result.ChangedFields).ConfigureAwait(false);
                return result.Settings;
            case ChangeOutcome.Unchanged:
                return result.Settings;
            case ChangeOutcome.VersionMismatch:
                throw VersionConflict.For(expected!.Value, result.Settings.Version);
            default:
                throw VersionConflict.Contended();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Player {PlayerId} changed settings to version {Version}: {Fields}")]
    private partial void LogUpdated(string playerId, long version, string fields);
}

/// <summary>Compare-and-set failures, in the shape state-manager gives them.</summary>
internal static class VersionConflict
{
    public const string CurrentVersionDetail = "current_version";

    /// <summary>FAILED_PRECONDITION carrying the version the caller should read and retry from.</summary>
    public static ServiceException For(long expected, long current) =>
        ServiceException.FailedPrecondition(
            $"the settings are at version {current}, not {expected}: read them again and reapply the change",
            new Dictionary<string, string> { [CurrentVersionDetail] = current.ToString(CultureInfo.InvariantCulture) });

    public static ServiceException Contended() =>
        new(ErrorCode.Aborted, "the settings kept changing while this change was applied; try again");
}

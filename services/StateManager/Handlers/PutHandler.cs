using System.Globalization;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.StateManager.Handlers;

public sealed partial class PutHandler(StateStore store, StateEvents events, ILogger<PutHandler> logger) : IServiceHandler<PutRequest, PutResponse>
{
    public async ValueTask<PutResponse> HandleAsync(PutRequest request, CallContext context)
    {
        StateRules.Key(request.Key);
        StateRules.Value(request.Value.Length);
        long? expected = request.HasExpectedVersion ? request.ExpectedVersion : null;
        StateRules.ExpectedVersion(expected);
        StateRules.TtlSeconds(request.TtlSeconds);

        var result = await store.PutAsync(request.Key, request.Value.ToByteArray(), expected, request.TtlSeconds).ConfigureAwait(false);
        if (!result.Written)
        {
            throw VersionConflict.For(request.Key, expected!.Value, result.Version);
        }

        LogStored(request.Key, result.Version);
        await events.ChangedAsync(request.Key, result.Version, deleted: false).ConfigureAwait(false);
        return new PutResponse { Key = request.Key, Version = result.Version };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Stored {Key} at version {Version}")]
    private partial void LogStored(string key, long version);
}

/// <summary>The compare-and-set failure: FAILED_PRECONDITION carrying the version the caller should retry from.</summary>
internal static class VersionConflict
{
    public const string CurrentVersionDetail = "current_version";

    public static ServiceException For(string key, long expected, long current) =>
        ServiceException.FailedPrecondition(
            current == 0
                ? $"key '{key}' does not exist (expected version {expected})"
                : $"key '{key}' is at version {current}, not {expected}",
            new Dictionary<string, string> { [CurrentVersionDetail] = current.ToString(CultureInfo.InvariantCulture) });
}

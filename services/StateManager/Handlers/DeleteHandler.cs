using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.StateManager.Handlers;

public sealed partial class DeleteHandler(StateStore store, StateEvents events, ILogger<DeleteHandler> logger) : IServiceHandler<DeleteRequest, DeleteResponse>
{
    public async ValueTask<DeleteResponse> HandleAsync(DeleteRequest request, CallContext context)
    {
        StateRules.Key(request.Key);
        long? expected = request.HasExpectedVersion ? request.ExpectedVersion : null;
        StateRules.ExpectedVersion(expected);

        var result = await store.DeleteAsync(request.Key, expected).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case DeleteOutcome.Deleted:
                LogDeleted(request.Key, result.Version);
                await events.ChangedAsync(request.Key, result.Version, deleted: true).ConfigureAwait(false);
                return new DeleteResponse { Key = request.Key, Deleted = true };
            case DeleteOutcome.NotFound:
                throw ServiceException.NotFound($"no state under key '{request.Key}'");
            default:
                throw VersionConflict.For(request.Key, expected!.Value, result.Version);
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Deleted {Key} (was version {Version})")]
    private partial void LogDeleted(string key, long version);
}

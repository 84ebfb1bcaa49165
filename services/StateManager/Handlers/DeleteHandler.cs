using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.StateManager.Handlers;

public sealed partial class DeleteHandler(StateStore store, ILogger<DeleteHandler> logger) : IServiceHandler<DeleteRequest, DeleteResponse>
{
    public async ValueTask<DeleteResponse> HandleAsync(DeleteRequest request, CallContext context)
    {
        StateRules.Key(request.Key);
        long? expected = request.HasExpectedVersion ? request.ExpectedVersion : null;
        StateRules.ExpectedVersion(expected);

        var result = await store.DeleteAsync(request.Key, expected).ConfigureAwait(false);
        return result.Outcome switch
        {
            DeleteOutcome.Deleted => Deleted(request.Key, result.Version),
            DeleteOutcome.NotFound => throw ServiceException.NotFound($"no state under key '{request.Key}'"),
            _ => throw VersionConflict.For(request.Key, expected!.Value, result.Version),
        };
    }

    private DeleteResponse Deleted(string key, long version)
    {
        LogDeleted(key, version);
        return new DeleteResponse { Key = key, Deleted = true };
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Deleted {Key} (was version {Version})")]
    private partial void LogDeleted(string key, long version);
}

using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StateManager.Handlers;

public sealed class DeleteHandler(StateStore store) : IServiceHandler<DeleteRequest, DeleteResponse>
{
    public async ValueTask<DeleteResponse> HandleAsync(DeleteRequest request, CallContext context)
    {
        StateRules.Key(request.Key);
        long? expected = request.HasExpectedVersion ? request.ExpectedVersion : null;
        StateRules.ExpectedVersion(expected);

        var result = await store.DeleteAsync(request.Key, expected).ConfigureAwait(false);
        return result.Outcome switch
        {
            DeleteOutcome.Deleted => new DeleteResponse { Key = request.Key, Deleted = true },
            DeleteOutcome.NotFound => throw ServiceException.NotFound($"no state under key '{request.Key}'"),
            _ => throw VersionConflict.For(request.Key, expected!.Value, result.Version),
        };
    }
}

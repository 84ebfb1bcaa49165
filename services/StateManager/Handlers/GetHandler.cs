using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;

namespace GamingSystem.StateManager.Handlers;

public sealed class GetHandler(StateStore store) : IServiceHandler<GetRequest, GetResponse>
{
    public async ValueTask<GetResponse> HandleAsync(GetRequest request, CallContext context)
    {
        StateRules.Key(request.Key);
        var entry = await store.GetAsync(request.Key).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no state under key '{request.Key}'");
        return new GetResponse
        {
            Key = entry.Key,
            Value = ByteString.CopyFrom(entry.Value),
            Version = entry.Version,
            TtlSeconds = entry.TtlSeconds,
        };
    }
}

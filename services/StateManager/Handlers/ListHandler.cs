using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;

namespace GamingSystem.StateManager.Handlers;

public sealed class ListHandler(StateStore store) : IServiceHandler<ListRequest, ListResponse>
{
    public async ValueTask<ListResponse> HandleAsync(ListRequest request, CallContext context)
    {
        StateRules.Prefix(request.Prefix);
        var pageSize = StateRules.PageSize(request.PageSize);
        var after = PageToken.Decode(request.PageToken, request.Prefix);

        var (entries, next) = await store.ListAsync(request.Prefix, after, pageSize).ConfigureAwait(false);
        var response = new ListResponse { NextPageToken = next is null ? string.Empty : PageToken.Encode(next) };
        response.Entries.AddRange(entries.Select(e => new ListResponse.Types.Entry
        {
            Key = e.Key,
            Version = e.Version,
            Value = ByteString.CopyFrom(e.Value),
        }));
        return response;
    }
}

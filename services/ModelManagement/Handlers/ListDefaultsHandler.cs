using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement.Handlers;

public sealed class ListDefaultsHandler(ModelStore store) : IServiceHandler<ListDefaultsRequest, ListDefaultsResponse>
{
    public async ValueTask<ListDefaultsResponse> HandleAsync(ListDefaultsRequest request, CallContext context) =>
        new() { Defaults = { await store.DefaultsAsync().ConfigureAwait(false) } };
}

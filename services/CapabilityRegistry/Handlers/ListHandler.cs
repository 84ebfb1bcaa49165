using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.CapabilityRegistry.Handlers;

public sealed class ListHandler(InstanceStore store) : IServiceHandler<ListRequest, ListResponse>
{
    public async ValueTask<ListResponse> HandleAsync(ListRequest request, CallContext context)
    {
        InstanceRules.ServiceFilter(request.Service);
        var live = await store.ListAsync().ConfigureAwait(false);
        return new ListResponse { Instances = { live.Where(instance => request.Service.Length == 0 || instance.Service == request.Service) } };
    }
}

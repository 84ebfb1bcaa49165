using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.CapabilityRegistry.Handlers;

public sealed class DeregisterHandler(InstanceStore store) : IServiceHandler<DeregisterRequest, DeregisterResponse>
{
    public async ValueTask<DeregisterResponse> HandleAsync(DeregisterRequest request, CallContext context)
    {
        InstanceRules.Identity(request.Service, request.InstanceId);
        return new DeregisterResponse { Removed = await store.DeregisterAsync(request.Service, request.InstanceId).ConfigureAwait(false) };
    }
}

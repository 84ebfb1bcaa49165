using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.CapabilityRegistry.Handlers;

public sealed class HeartbeatHandler(InstanceStore store) : IServiceHandler<HeartbeatRequest, Registration>
{
    public async ValueTask<Registration> HandleAsync(HeartbeatRequest request, CallContext context)
    {
        InstanceRules.Identity(request.Service, request.InstanceId);
        var instance = await store.HeartbeatAsync(request.Service, request.InstanceId).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"{request.Service}/{request.InstanceId} is not registered (its TTL passed, or it never was): register again");
        return new Registration { Instance = instance };
    }
}

using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.CapabilityRegistry.Handlers;

public sealed class FindHandler(InstanceStore store) : IServiceHandler<FindRequest, FindResponse>
{
    public async ValueTask<FindResponse> HandleAsync(FindRequest request, CallContext context)
    {
        InstanceRules.Capability(request.Capability, "capability");
        var live = await store.ListAsync().ConfigureAwait(false);
        return new FindResponse { Instances = { live.Where(instance => instance.Capabilities.Contains(request.Capability)) } };
    }
}

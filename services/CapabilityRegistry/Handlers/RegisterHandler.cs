using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.CapabilityRegistry.Handlers;

public sealed class RegisterHandler(InstanceStore store) : IServiceHandler<RegisterRequest, Registration>
{
    public async ValueTask<Registration> HandleAsync(RegisterRequest request, CallContext context)
    {
        InstanceRules.Register(request);
        return new Registration { Instance = await store.RegisterAsync(request).ConfigureAwait(false) };
    }
}

using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement.Handlers;

public sealed class GetModelHandler(ModelStore store) : IServiceHandler<GetModelRequest, Model>
{
    public async ValueTask<Model> HandleAsync(GetModelRequest request, CallContext context)
    {
        ModelRules.Id(request.Id);
        return await store.FindAsync(request.Id).ConfigureAwait(false) ?? throw ServiceException.NotFound($"no model '{request.Id}'");
    }
}

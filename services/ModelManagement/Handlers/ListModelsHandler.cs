using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement.Handlers;

public sealed class ListModelsHandler(ModelStore store) : IServiceHandler<ListModelsRequest, ListModelsResponse>
{
    public async ValueTask<ListModelsResponse> HandleAsync(ListModelsRequest request, CallContext context)
    {
        var models = await store.AllAsync().ConfigureAwait(false);
        return new ListModelsResponse
        {
            Models =
            {
                models.Where(m => (request.Capability == TaskType.Unspecified || m.Capabilities.Contains(request.Capability))
                    && (request.Status == ModelStatus.Unspecified || m.Status == request.Status)),
            },
        };
    }
}

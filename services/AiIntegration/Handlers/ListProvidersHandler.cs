using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiIntegration.Handlers;

public sealed class ListProvidersHandler(ProviderCatalog catalog) : IServiceHandler<ListProvidersRequest, ListProvidersResponse>
{
    public ValueTask<ListProvidersResponse> HandleAsync(ListProvidersRequest request, CallContext context) => ValueTask.FromResult(catalog.List());
}

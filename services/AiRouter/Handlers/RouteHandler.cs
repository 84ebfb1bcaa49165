using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiRouter.Handlers;

public sealed class RouteHandler(Router router) : IServiceHandler<RouteRequest, RouteResponse>
{
    public async ValueTask<RouteResponse> HandleAsync(RouteRequest request, CallContext context) =>
        await router.RouteAsync(request, context.CancellationToken).ConfigureAwait(false);
}

using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiRouter.Handlers;

public sealed class GetRoutingStatsHandler(ModelHealth health) : IServiceHandler<GetRoutingStatsRequest, RoutingStats>
{
    public ValueTask<RoutingStats> HandleAsync(GetRoutingStatsRequest request, CallContext context) => ValueTask.FromResult(health.Snapshot());
}

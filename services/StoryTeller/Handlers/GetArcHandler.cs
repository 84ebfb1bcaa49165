using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StoryTeller.Handlers;

public sealed class GetArcHandler(ArcStore store) : IServiceHandler<GetArcRequest, Arc>
{
    public async ValueTask<Arc> HandleAsync(GetArcRequest request, CallContext context) =>
        await StoryRules.OwnArcAsync(store, request.ArcId, context).ConfigureAwait(false);
}

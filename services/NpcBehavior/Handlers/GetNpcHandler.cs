using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.NpcBehavior.Handlers;

public sealed class GetNpcHandler(NpcStore store) : IServiceHandler<GetNpcRequest, Npc>
{
    public async ValueTask<Npc> HandleAsync(GetNpcRequest request, CallContext context)
    {
        NpcRules.NpcId(request.NpcId);
        return await store.GetAsync(request.NpcId).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no NPC {request.NpcId}");
    }
}

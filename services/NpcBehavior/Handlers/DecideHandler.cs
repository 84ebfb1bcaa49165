using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.NpcBehavior.Domain;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.NpcBehavior.Handlers;

/// <summary>The action with the highest utility for the NPC's needs as of now, with every score and its reasons.</summary>
public sealed class DecideHandler(NpcStore store) : IServiceHandler<DecideRequest, Decision>
{
    public async ValueTask<Decision> HandleAsync(DecideRequest request, CallContext context)
    {
        NpcRules.NpcId(request.NpcId);
        NpcRules.Context(request.Context);
        var npc = await store.GetAsync(request.NpcId).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no NPC {request.NpcId}");
        return UtilityScorer.Decide(npc.Id, npc.Traits ?? new Traits(), npc.Needs, npc.HomeRegionId, request.Context ?? new DecisionContext());
    }
}

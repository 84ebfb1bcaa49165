using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.NpcBehavior.Handlers;

/// <summary>A new NPC; unset traits are all 0.5 (unremarkable), unset needs all 0 (satisfied).</summary>
public sealed class RegisterNpcHandler(NpcStore store, TimeProvider time) : IServiceHandler<RegisterNpcRequest, Npc>
{
    public async ValueTask<Npc> HandleAsync(RegisterNpcRequest request, CallContext context)
    {
        NpcRules.Register(request);
        var npc = new Npc
        {
            Id = "npc-" + Guid.NewGuid().ToString("N"),
            Name = request.Name.Trim(),
            Persona = request.Persona.Trim(),
            Traits = request.Traits?.Clone() ?? new Traits { Bravery = 0.5, Greed = 0.5, Sociability = 0.5, Curiosity = 0.5, Aggression = 0.5 },
            Needs = request.Needs?.Clone() ?? new Needs(),
            HomeRegionId = request.HomeRegionId,
            CreatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        await store.PutAsync(npc).ConfigureAwait(false);
        return npc;
    }
}

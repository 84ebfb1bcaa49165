using System.Globalization;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.NpcBehavior.Domain;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.NpcBehavior.Handlers;

/// <summary>A line in the NPC's persona: from a model with the persona as its instructions, else from <see cref="PersonaLine"/>.</summary>
public sealed class TalkHandler(NpcStore store, AiContent ai) : IServiceHandler<TalkRequest, TalkResponse>
{
    public async ValueTask<TalkResponse> HandleAsync(TalkRequest request, CallContext context)
    {
        NpcRules.NpcId(request.NpcId);
        NpcRules.Utterance(request.Utterance);
        var npc = await store.GetAsync(request.NpcId).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no NPC {request.NpcId}");
        var seed = Seed(npc.Id, request.Utterance);
        var prompt = new AiPrompt(TaskType.NpcDialogue, $"A traveller says to you: \"{request.Utterance.Trim()}\"\nYour reply:")
        {
            SystemPrompt = SystemPrompt(npc),
            MaxTokens = 80,
            Seed = seed,
        };
        var text = await ai.GenerateAsync(prompt, () => PersonaLine.Compose(npc, npc.Needs, request.Utterance, seed), context.CancellationToken).ConfigureAwait(false);
        return new TalkResponse { NpcId = npc.Id, Line = text.Text, Source = text.Source, ModelId = text.Model };
    }

    private static string SystemPrompt(Npc npc)
    {
        var t = npc.Traits ?? new Traits();
        var (need, value) = PersonaLine.Pressing(npc.Needs);
        return string.Create(CultureInfo.InvariantCulture, $"""
            You are {npc.Name}, {(npc.Persona.Length > 0 ? npc.Persona : "a local of the land of Varrow")}. Stay in character.
            Your manner is {PersonaLine.Manner(t)} (bravery {t.Bravery:0.0}, greed {t.Greed:0.0}, sociability {t.Sociability:0.0}, curiosity {t.Curiosity:0.0}, aggression {t.Aggression:0.0}).
            What weighs on you most right now is {need} ({value:0.00} of 1). Answer in one or two short spoken sentences.
            """);
    }

    private static long Seed(string npcId, string utterance)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in npcId + "\n" + utterance)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)(hash >> 1);
    }
}

using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StoryTeller.Handlers;

/// <summary>The next beat: its structure from the planner, its text from a model through ai-router or from the planner.</summary>
public sealed class NextBeatHandler(BeatWriter writer, AiContent ai) : IServiceHandler<NextBeatRequest, Beat>
{
    public async ValueTask<Beat> HandleAsync(NextBeatRequest request, CallContext context)
    {
        var plan = await writer.PlanAsync(request, context).ConfigureAwait(false);
        if (plan.Replay is { } replay)
        {
            return replay;
        }

        var text = await ai.GenerateAsync(plan.Prompt, () => plan.FallbackText, context.CancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(plan, text.Text, text.Source).ConfigureAwait(false);
    }
}

using GamingSystem.Contracts.EnvironmentalNarrative.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.EnvironmentalNarrative.Domain;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.EnvironmentalNarrative.Handlers;

/// <summary>
/// A paragraph about a region now. Served from the cache while its inputs are unchanged (the region's version, the
/// weather's condition, the day phase, the region's recent events, where the reader is); written anew, by a model or
/// by <see cref="SceneWriter"/>, when any of them changed.
/// </summary>
public sealed class DescribeHandler(NarrativeStore store, SceneInputs inputs, AiContent ai) : IServiceHandler<DescribeRequest, Description>
{
    public async ValueTask<Description> HandleAsync(DescribeRequest request, CallContext context)
    {
        RegionField.Check(request.RegionId);
        var scene = await inputs.SceneAsync(request.RegionId, request.Personal ? context.RequirePlayer("a personal description") : null, context.CancellationToken)
            .ConfigureAwait(false);
        var viewer = scene.Viewer.ToString();
        var description = new Description { RegionId = scene.Region.Id, Weather = scene.Weather.Condition, Phase = scene.Phase };
        if (await store.TextAsync(scene.Region.Id, viewer).ConfigureAwait(false) is { } cached && cached.Signature == scene.Signature)
        {
            description.Text = cached.Text;
            description.Source = cached.Source;
            description.Cached = true;
            return description;
        }

        var prompt = new AiPrompt(TaskType.Narrative, SceneWriter.Prompt(scene)) { MaxTokens = 120, Seed = scene.Seed };
        var text = await ai.GenerateAsync(prompt, () => SceneWriter.Compose(scene), context.CancellationToken).ConfigureAwait(false);
        await store.PutTextAsync(scene.Region.Id, viewer, new CachedText(scene.Signature, text.Text, text.Source)).ConfigureAwait(false);
        description.Text = text.Text;
        description.Source = text.Source;
        return description;
    }
}

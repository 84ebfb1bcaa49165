using System.Text;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.StoryTeller.Domain;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace GamingSystem.StoryTeller;

/// <summary>
/// What the next beat will be, before anyone writes its text: the arc, the beat's index, the choice that led to it, its
/// choices, the prompt for a model and the fallback text. <see cref="Replay"/> is set when the call repeats the one
/// that made the arc's last beat (a retry): that beat is the answer, and nothing is written.
/// </summary>
public sealed record BeatPlan(Arc Arc, int Index, Choice? Chosen, IReadOnlyList<Choice> Choices, AiPrompt Prompt, string FallbackText, Beat? Replay);

/// <summary>The rules of NextBeat, shared by its unary and streaming forms.</summary>
public sealed class BeatWriter(ArcStore store, TimeProvider time, IOptions<StoryOptions> options)
{
    private const string Narrator =
        "You are the narrator of a story game set in the land of Varrow. Write the next beat of the player's story: " +
        "three or four sentences, second person, present tense, ending at a moment of decision. Do not list the choices.";

    public async Task<BeatPlan> PlanAsync(NextBeatRequest request, CallContext context)
    {
        var arc = await StoryRules.OwnArcAsync(store, request.ArcId, context).ConfigureAwait(false);
        var index = arc.Beats.Count;
        Choice? chosen = null;
        if (index == 0)
        {
            if (request.ChoiceId.Length > 0)
            {
                throw ServiceException.InvalidArgument("choice_id", "the arc has no beat yet: leave choice_id empty for its first beat");
            }
        }
        else
        {
            var last = arc.Beats[^1];
            if (request.ChoiceId.Length > 0 && request.ChoiceId == last.ChosenChoiceId && last.Choices.All(c => c.Id != request.ChoiceId))
            {
                return new BeatPlan(arc, index - 1, null, last.Choices, new AiPrompt(TaskType.StoryBeat, ""), "", last);
            }

            chosen = last.Choices.FirstOrDefault(c => c.Id == request.ChoiceId)
                ?? throw ServiceException.InvalidArgument("choice_id", $"must be one of the last beat's choices: {string.Join(", ", last.Choices.Select(c => c.Id))}");
        }

        if (index >= options.Value.MaxBeats)
        {
            throw ServiceException.FailedPrecondition($"the arc is complete: it holds its {options.Value.MaxBeats} beats; start a new one");
        }

        var choices = StoryPlanner.Choices(arc.Id, index);
        var fallback = StoryPlanner.FallbackText(arc.Id, arc.Theme, index, chosen?.Text);
        return new BeatPlan(arc, index, chosen, choices, Prompt(arc, index, chosen, choices), fallback, null);
    }

    /// <summary>Appends the beat unless another call added one first; a racing call with the same choice gets the beat that won.</summary>
    public async Task<Beat> CommitAsync(BeatPlan plan, string text, ContentSource source)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var beat = new Beat
        {
            Index = plan.Index,
            Text = text,
            Choices = { plan.Choices },
            ChosenChoiceId = plan.Chosen?.Id ?? "",
            Source = source,
            CreatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        var arc = plan.Arc.Clone();
        arc.Beats.Add(beat);
        if (await store.AppendAsync(arc, plan.Index).ConfigureAwait(false))
        {
            return beat;
        }

        var now = await store.GetAsync(plan.Arc.Id).ConfigureAwait(false);
        if (now is not null && now.Beats.Count > plan.Index && now.Beats[plan.Index].ChosenChoiceId == beat.ChosenChoiceId)
        {
            return now.Beats[plan.Index];
        }

        throw new ServiceException(ErrorCode.Aborted, "the arc moved on while this beat was written: read it again and choose from its last beat");
    }

    private static AiPrompt Prompt(Arc arc, int index, Choice? chosen, IReadOnlyList<Choice> choices)
    {
        var prompt = new StringBuilder();
        prompt.Append("Theme: ").AppendLine(arc.Theme);
        prompt.Append("Part of the story: ").AppendLine(StoryPlanner.StageOf(index).ToString().ToLowerInvariant());
        foreach (var beat in arc.Beats.TakeLast(3))
        {
            prompt.Append("Earlier: ").AppendLine(beat.Text.Length > 400 ? beat.Text[..400] : beat.Text);
        }

        if (chosen is not null)
        {
            prompt.Append("The player chose: ").AppendLine(chosen.Text);
        }

        prompt.Append("The beat must lead to these options: ").AppendLine(string.Join("; ", choices.Select(c => c.Text)));
        prompt.Append("Next beat:");
        return new AiPrompt(TaskType.StoryBeat, prompt.ToString()) { SystemPrompt = Narrator, MaxTokens = 120, Seed = StoryPlanner.Seed(arc.Id, index) };
    }
}

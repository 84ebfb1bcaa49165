using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.QuestSystem.Domain;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.QuestSystem.Handlers;

/// <summary>
/// A new quest: the structure (objectives, reward) from the region and difficulty, seeded by the quest's id; the text
/// from AI over it, or from the same seed when AI is not there. The reply's source says which wrote it.
/// </summary>
public sealed class GenerateQuestHandler(QuestStore store, QuestRewards rewards, AiContent ai, TimeProvider time) : IServiceHandler<GenerateQuestRequest, Quest>
{
    private const string SystemPrompt = "You write quests for a fantasy role-playing game: vivid, brief, never changing the objectives or reward you are given.";

    public async ValueTask<Quest> HandleAsync(GenerateQuestRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        QuestRules.Region(request.RegionId);
        var difficulty = QuestRules.Difficulty(request.Difficulty);
        var key = QuestRules.IdempotencyKey(context);
        if (key is not null && await store.GeneratedWithAsync(player, key).ConfigureAwait(false) is { } earlier)
        {
            return await store.LoadAsync(earlier, player).ConfigureAwait(false);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var seed = QuestGenerator.Seed(id);
        var currency = await rewards.CurrencyAsync(context.CancellationToken).ConfigureAwait(false);
        var plan = QuestGenerator.Plan(request.RegionId, difficulty, seed, currency);
        var fallback = QuestGenerator.FallbackText(plan, seed);
        var text = await ai.GenerateAsync(
            new AiPrompt(TaskType.QuestText, QuestGenerator.Prompt(plan, difficulty)) { SystemPrompt = SystemPrompt, Seed = (long)(seed >> 1), MaxTokens = 200 },
            () => $"{fallback.Title}\n{fallback.Description}",
            context.CancellationToken).ConfigureAwait(false);
        var (title, description) = QuestGenerator.ParseAiText(text.Text, fallback);

        var quest = new Quest
        {
            Id = id,
            PlayerId = player,
            RegionId = request.RegionId,
            Difficulty = difficulty,
            Title = title,
            Description = description,
            Source = text.Source,
            Reward = plan.Reward,
            Status = QuestStatus.Offered,
            CreatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        quest.Objectives.Add(plan.Objectives);
        var stored = await store.CreateAsync(quest, key).ConfigureAwait(false);
        // Another call with the same key won the race: its quest is the one.
        return stored == id ? quest : await store.LoadAsync(stored, player).ConfigureAwait(false);
    }
}

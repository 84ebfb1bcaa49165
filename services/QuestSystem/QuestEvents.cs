using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.QuestSystem;

/// <summary>
/// Events after the change, de-duplicated by quest (Nats-Msg-Id <c>quest:&lt;id&gt;:accepted</c> and <c>:completed</c>):
/// a repeated accept or the ten racing completions of one quest are stored once.
/// </summary>
public sealed class QuestEvents(EventPublisher publisher)
{
    public async Task AcceptedAsync(Quest quest) =>
        await publisher.TryPublishEventAsync(
            new QuestAccepted { QuestId = quest.Id, PlayerId = quest.PlayerId, RegionId = quest.RegionId, AcceptedAt = quest.AcceptedAt },
            $"quest:{quest.Id}:accepted").ConfigureAwait(false);

    public async Task CompletedAsync(Quest quest, string transactionId) =>
        await publisher.TryPublishEventAsync(
            new QuestCompleted { QuestId = quest.Id, PlayerId = quest.PlayerId, Reward = quest.Reward, TransactionId = transactionId, CompletedAt = quest.CompletedAt },
            $"quest:{quest.Id}:completed").ConfigureAwait(false);
}

using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem.Handlers;

/// <summary>OFFERED -> ACCEPTED; accepting again returns the quest (and publishes nothing new).</summary>
public sealed class AcceptQuestHandler(QuestStore store, QuestEvents events) : IServiceHandler<AcceptQuestRequest, Quest>
{
    public async ValueTask<Quest> HandleAsync(AcceptQuestRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        QuestRules.QuestId(request.QuestId);
        var outcome = await store.TransitionAsync(request.QuestId, player, "offered", "accepted", "accepted_at").ConfigureAwait(false);
        switch (outcome)
        {
            case "not_found":
                throw QuestStore.NotFound(request.QuestId);
            case "ok" or "same" or "completing":
                var quest = await store.LoadAsync(request.QuestId, player).ConfigureAwait(false);
                // A repeat publishes again under the same id: JetStream keeps one, and a first publish that failed is made good.
                await events.AcceptedAsync(quest).ConfigureAwait(false);
                return quest;
            default:
                throw ServiceException.FailedPrecondition($"quest {request.QuestId} is {outcome}: only an offered quest can be accepted");
        }
    }
}

using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem.Handlers;

/// <summary>An offered or accepted quest is given up; a completed one (or one being completed) keeps its reward.</summary>
public sealed class AbandonQuestHandler(QuestStore store) : IServiceHandler<AbandonQuestRequest, Quest>
{
    public async ValueTask<Quest> HandleAsync(AbandonQuestRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        QuestRules.QuestId(request.QuestId);
        var outcome = await store.TransitionAsync(request.QuestId, player, "offered,accepted", "abandoned", "abandoned_at").ConfigureAwait(false);
        return outcome switch
        {
            "ok" or "same" => await store.LoadAsync(request.QuestId, player).ConfigureAwait(false),
            "not_found" => throw QuestStore.NotFound(request.QuestId),
            _ => throw ServiceException.FailedPrecondition($"quest {request.QuestId} is {outcome}: a completed quest cannot be abandoned"),
        };
    }
}

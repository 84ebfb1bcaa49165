using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem.Handlers;

public sealed class GetQuestHandler(QuestStore store) : IServiceHandler<GetQuestRequest, Quest>
{
    public async ValueTask<Quest> HandleAsync(GetQuestRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        QuestRules.QuestId(request.QuestId);
        return await store.LoadAsync(request.QuestId, player).ConfigureAwait(false);
    }
}

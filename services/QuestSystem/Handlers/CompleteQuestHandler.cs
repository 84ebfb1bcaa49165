using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem.Handlers;

/// <summary>
/// Completes an accepted quest whose objectives are all done and credits its reward once. The quest is first marked
/// 'completing' (nothing can change or abandon it then), the credit is made under the quest id as idempotency key,
/// and the first credit's transaction is recorded: concurrent or repeated calls, or a retry after a crash in between,
/// all end with one credit and the same answer.
/// </summary>
public sealed class CompleteQuestHandler(QuestStore store, QuestRewards rewards, QuestEvents events) : IServiceHandler<CompleteQuestRequest, CompleteQuestResponse>
{
    public async ValueTask<CompleteQuestResponse> HandleAsync(CompleteQuestRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        QuestRules.QuestId(request.QuestId);
        var start = await store.BeginCompleteAsync(request.QuestId, player).ConfigureAwait(false);
        switch (start)
        {
            case "not_found":
                throw QuestStore.NotFound(request.QuestId);
            case "incomplete":
                var open = (await store.LoadAsync(request.QuestId, player).ConfigureAwait(false)).Objectives.Where(o => o.Progress < o.Required);
                throw ServiceException.FailedPrecondition($"quest {request.QuestId} has objectives left: {string.Join(", ", open.Select(o => $"{o.Id} {o.Progress}/{o.Required}"))}");
            case "credit":
                var quest = await store.LoadAsync(request.QuestId, player).ConfigureAwait(false);
                var credit = await rewards.CreditAsync(quest, context.CancellationToken).ConfigureAwait(false);
                await store.EndCompleteAsync(request.QuestId, credit.Transaction.Id, credit.Balance).ConfigureAwait(false);
                break;
            case "completed":
                break;
            default:
                throw ServiceException.FailedPrecondition($"quest {request.QuestId} is {start}: only an accepted quest can be completed");
        }

        var completed = await store.LoadAsync(request.QuestId, player).ConfigureAwait(false);
        var (transactionId, balance) = await store.CompletionAsync(request.QuestId).ConfigureAwait(false);
        await events.CompletedAsync(completed, transactionId).ConfigureAwait(false);
        return new CompleteQuestResponse { Quest = completed, TransactionId = transactionId, Balance = balance };
    }
}

using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem.Handlers;

/// <summary>Adds to one objective of an accepted quest, never past what it requires.</summary>
public sealed class ReportProgressHandler(QuestStore store) : IServiceHandler<ReportProgressRequest, Quest>
{
    public const int MaxDelta = 1000;

    public async ValueTask<Quest> HandleAsync(ReportProgressRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        QuestRules.QuestId(request.QuestId);
        if (request.ObjectiveId.Length is 0 or > 16)
        {
            throw ServiceException.InvalidArgument("objective_id", "must be one of the quest's objective ids, e.g. o1");
        }

        if (request.Delta is < 1 or > MaxDelta)
        {
            throw ServiceException.InvalidArgument("delta", $"must be 1 to {MaxDelta}, not {request.Delta}");
        }

        var outcome = await store.ProgressAsync(request.QuestId, player, request.ObjectiveId, request.Delta).ConfigureAwait(false);
        return outcome switch
        {
            "ok" => await store.LoadAsync(request.QuestId, player).ConfigureAwait(false),
            "not_found" => throw QuestStore.NotFound(request.QuestId),
            "no_objective" => throw ServiceException.InvalidArgument("objective_id", $"quest {request.QuestId} has no objective '{request.ObjectiveId}'"),
            _ => throw ServiceException.FailedPrecondition($"quest {request.QuestId} is {outcome}: progress counts only on an accepted quest"),
        };
    }
}

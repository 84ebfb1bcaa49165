using System.Text.RegularExpressions;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.QuestSystem.Handlers;

/// <summary>The caller's quests, newest first, optionally of one status.</summary>
public sealed partial class ListQuestsHandler(QuestStore store) : IServiceHandler<ListQuestsRequest, ListQuestsResponse>
{
    public async ValueTask<ListQuestsResponse> HandleAsync(ListQuestsRequest request, CallContext context)
    {
        var player = QuestRules.Caller(context);
        var size = request.PageSize == 0 ? 20 : request.PageSize;
        if (size is < 1 or > QuestRules.MaxPageSize)
        {
            throw ServiceException.InvalidArgument("page_size", $"must be 1 to {QuestRules.MaxPageSize}, not {request.PageSize}");
        }

        if (!System.Enum.IsDefined(request.Status))
        {
            throw ServiceException.InvalidArgument("status", "must be OFFERED, ACCEPTED, COMPLETED or ABANDONED, or unset for all");
        }

        if (request.PageToken.Length > 0 && !Token().IsMatch(request.PageToken))
        {
            throw ServiceException.InvalidArgument("page_token", "is not a token this service gave");
        }

        var (page, next) = await store.ListAsync(player, request.Status, request.PageToken.Length > 0 ? request.PageToken : null, size).ConfigureAwait(false);
        return new ListQuestsResponse { Quests = { page }, NextPageToken = next ?? "" };
    }

    [GeneratedRegex(@"\A[0-9a-f]{32}\z")]
    private static partial Regex Token();
}

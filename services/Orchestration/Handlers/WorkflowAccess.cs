using System.Text.RegularExpressions;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Orchestration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Orchestration.Handlers;

/// <summary>Who may see a workflow: the player who started it. Anyone else is told it does not exist.</summary>
internal static partial class WorkflowAccess
{
    public static string Caller(CallContext context) => context.PlayerId is { Length: > 0 } player
        ? player
        : throw new ServiceException(ErrorCode.Unauthenticated, $"no player: a workflow runs for the calling player, named by the {MessagingHeaders.PlayerId} header the gateway sets");

    public static async Task<Workflow> LoadOwnAsync(WorkflowStore store, string id, CallContext context)
    {
        var player = Caller(context);
        if (!Id().IsMatch(id))
        {
            throw ServiceException.InvalidArgument("id", "must be a workflow id: 32 lowercase hexadecimal characters");
        }

        return await store.LoadAsync(id).ConfigureAwait(false) is { } record && record.Workflow.PlayerId == player
            ? record.Workflow
            : throw ServiceException.NotFound($"no workflow {id} of yours");
    }

    [GeneratedRegex(@"\A[0-9a-f]{32}\z")]
    private static partial Regex Id();
}

using GamingSystem.Contracts.Orchestration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Orchestration.Handlers;

/// <summary>
/// Marks a running workflow for cancellation; the process running it stops the current step and compensates the
/// steps so far, ending CANCELLED. The answer is the workflow as it is now (still RUNNING while it compensates).
/// </summary>
public sealed class CancelWorkflowHandler(WorkflowStore store, WorkflowRunner runner) : IServiceHandler<CancelWorkflowRequest, Workflow>
{
    public async ValueTask<Workflow> HandleAsync(CancelWorkflowRequest request, CallContext context)
    {
        var workflow = await WorkflowAccess.LoadOwnAsync(store, request.Id, context).ConfigureAwait(false);
        var status = await store.RequestCancelAsync(workflow.Id).ConfigureAwait(false);
        if (status != "RUNNING")
        {
            throw ServiceException.FailedPrecondition($"workflow {workflow.Id} has already ended {status}: there is nothing to cancel");
        }

        runner.Cancelled(workflow.Id);
        return await WorkflowAccess.LoadOwnAsync(store, workflow.Id, context).ConfigureAwait(false);
    }
}

using GamingSystem.Contracts.Orchestration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Orchestration.Handlers;

public sealed class GetWorkflowHandler(WorkflowStore store) : IServiceHandler<GetWorkflowRequest, Workflow>
{
    public async ValueTask<Workflow> HandleAsync(GetWorkflowRequest request, CallContext context) =>
        await WorkflowAccess.LoadOwnAsync(store, request.Id, context).ConfigureAwait(false);
}

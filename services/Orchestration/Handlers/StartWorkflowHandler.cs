using GamingSystem.Contracts.Orchestration.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Orchestration.Handlers;

/// <summary>Stores the workflow with all its steps PENDING and starts running it; the answer comes before the steps run.</summary>
public sealed class StartWorkflowHandler(WorkflowStore store, WorkflowRunner runner, TimeProvider time) : IServiceHandler<StartWorkflowRequest, Workflow>
{
    private const int MaxIdempotencyKeyLength = 128;

    public async ValueTask<Workflow> HandleAsync(StartWorkflowRequest request, CallContext context)
    {
        var player = WorkflowAccess.Caller(context);
        var definition = runner.Find(request.Name)
            ?? throw ServiceException.InvalidArgument("name", $"no workflow is called '{request.Name}'; the workflows are {string.Join(", ", runner.Names)}");
        var input = request.Input ?? new Struct();
        definition.Validate(input);
        var key = request.IdempotencyKey is { Length: > 0 } own ? own : context.IdempotencyKey;
        if (key is { Length: > MaxIdempotencyKeyLength })
        {
            throw ServiceException.InvalidArgument("idempotency_key", $"at most {MaxIdempotencyKeyLength} characters");
        }

        var workflow = Workflows.Create(definition, player, input, time.GetUtcNow());

        var (id, created) = await store.CreateAsync(workflow, string.IsNullOrEmpty(key) ? null : key, definition.OncePerPlayer).ConfigureAwait(false);
        if (!created)
        {
            var existing = await WorkflowAccess.LoadOwnAsync(store, id, context).ConfigureAwait(false);
            return existing.Name == workflow.Name
                ? existing
                : throw ServiceException.InvalidArgument("idempotency_key", $"was used to start a {existing.Name} workflow ({existing.Id}), not {workflow.Name}");
        }

        runner.Run(id);
        return workflow;
    }
}

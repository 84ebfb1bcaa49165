using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement.Handlers;

public sealed class SetDefaultHandler(ModelStore store, ModelEvents events) : IServiceHandler<SetDefaultRequest, TaskDefault>
{
    public async ValueTask<TaskDefault> HandleAsync(SetDefaultRequest request, CallContext context)
    {
        ModelRules.Task(request.TaskType);
        ModelRules.Id(request.ModelId, "modelId");
        var model = await store.SetDefaultAsync(request.TaskType, request.ModelId, model =>
        {
            if (model.Status != ModelStatus.Active)
            {
                throw ServiceException.FailedPrecondition($"model '{model.Id}' is {model.Status}; only an active model can be a default");
            }

            if (!model.Capabilities.Contains(request.TaskType))
            {
                throw ServiceException.FailedPrecondition($"model '{model.Id}' cannot do {request.TaskType}");
            }
        }).ConfigureAwait(false);

        await events.ChangedAsync(ModelChange.DefaultChanged, model, request.TaskType).ConfigureAwait(false);
        return new TaskDefault { TaskType = request.TaskType, ModelId = model.Id };
    }
}

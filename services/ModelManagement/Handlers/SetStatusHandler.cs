using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement.Handlers;

/// <summary>Retirement is final, and a model a task type uses by default must be replaced there before it retires.</summary>
public sealed class SetStatusHandler(ModelStore store, ModelEvents events) : IServiceHandler<SetStatusRequest, Model>
{
    public async ValueTask<Model> HandleAsync(SetStatusRequest request, CallContext context)
    {
        ModelRules.Id(request.Id);
        ModelRules.Status(request.Status);
        var changed = false;
        var model = await store.UpdateAsync(request.Id, async model =>
        {
            changed = model.Status != request.Status;
            if (model.Status == ModelStatus.Retired && changed)
            {
                throw ServiceException.FailedPrecondition($"model '{model.Id}' is retired; retirement is final");
            }

            if (request.Status == ModelStatus.Retired && changed)
            {
                var defaults = (await store.DefaultsAsync().ConfigureAwait(false)).Where(d => d.ModelId == model.Id).Select(d => d.TaskType.ToString()).ToList();
                if (defaults.Count > 0)
                {
                    throw ServiceException.FailedPrecondition($"model '{model.Id}' is the default for {string.Join(", ", defaults)}; set another default first");
                }
            }

            model.Status = request.Status;
        }).ConfigureAwait(false);

        if (changed)
        {
            await events.ChangedAsync(ModelChange.StatusChanged, model).ConfigureAwait(false);
        }

        return model;
    }
}

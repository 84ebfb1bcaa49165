using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement.Handlers;

public sealed class RegisterModelHandler(ModelStore store, ModelEvents events) : IServiceHandler<RegisterModelRequest, Model>
{
    public async ValueTask<Model> HandleAsync(RegisterModelRequest request, CallContext context)
    {
        ModelRules.Register(request.Model);
        var model = request.Model.Clone();
        model.Status = model.Status == ModelStatus.Unspecified ? ModelStatus.Active : model.Status;
        model.BuiltIn = false;
        model.Version = 1;
        if (!await store.AddAsync(model).ConfigureAwait(false))
        {
            throw ServiceException.AlreadyExists($"a model '{model.Id}' is registered already");
        }

        await events.ChangedAsync(ModelChange.Registered, model).ConfigureAwait(false);
        return model;
    }
}

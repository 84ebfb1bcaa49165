using GamingSystem.Contracts;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiRouter;

/// <summary>
/// model-management's view of a task type: its active capable models and its default. Read on every route, so a
/// model registered, retired or made default is routed to (or not) at once.
/// </summary>
public sealed class ModelCatalog(ServiceClient services)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListModels = ContractRegistry.ModelManagement.FindMethodByName("ListModels");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListDefaults = ContractRegistry.ModelManagement.FindMethodByName("ListDefaults");

    public async Task<(IReadOnlyList<Model> Models, string? DefaultId)> ForTaskAsync(TaskType task, CancellationToken cancellationToken)
    {
        var models = services.RequestAsync<ListModelsResponse>(
            ListModels, new ListModelsRequest { Capability = task, Status = ModelStatus.Active }, cancellationToken: cancellationToken);
        var defaults = services.RequestAsync<ListDefaultsResponse>(ListDefaults, new ListDefaultsRequest(), cancellationToken: cancellationToken);
        await Task.WhenAll(models, defaults).ConfigureAwait(false);
        return ((await models.ConfigureAwait(false)).Models, (await defaults.ConfigureAwait(false)).Defaults.FirstOrDefault(d => d.TaskType == task)?.ModelId);
    }
}

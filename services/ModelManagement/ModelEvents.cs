using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.ModelManagement;

/// <summary>evt.model.changed after each change, keyed by model, version and change so a retry is stored once.</summary>
public sealed class ModelEvents(EventPublisher publisher)
{
    public Task ChangedAsync(ModelChange change, Model model, TaskType task = TaskType.Unspecified) =>
        publisher.TryPublishEventAsync(
            new ModelChanged { Change = change, Model = model, TaskType = task },
            $"model:{model.Id}:{model.Version}:{change}:{task}").AsTask();
}

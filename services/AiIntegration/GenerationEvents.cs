using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.ServiceDefaults.Events;

namespace GamingSystem.AiIntegration;

/// <summary>evt.ai.generation_completed after each generation that reached its end (stop or length).</summary>
public sealed class GenerationEvents(EventPublisher publisher)
{
    /// <summary>The text is already the caller's: a lost event is logged and counted by the publisher, never the caller's error.</summary>
    public Task CompletedAsync(GenerationCompleted completed) =>
        publisher.TryPublishEventAsync(completed, $"ai:generation:{Guid.NewGuid():N}").AsTask();
}

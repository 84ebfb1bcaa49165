using GamingSystem.Contracts.ModelManagement.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ModelManagement;

/// <summary>The models that ship with the system: ai-integration's offline "local" provider, usable with no key.</summary>
public static class BuiltInModels
{
    public const string Small = "local-markov-small";
    public const string Large = "local-markov-large";

    private static readonly TaskType[] AllTasks = [.. Enum.GetValues<TaskType>().Where(t => t != TaskType.Unspecified)];

    public static IReadOnlyList<Model> All { get; } =
    [
        Create(Small, contextWindow: 2048, latencyMs: 20),
        Create(Large, contextWindow: 8192, latencyMs: 60),
    ];

    /// <summary>Every task type starts on the small local model.</summary>
    public static IReadOnlyList<TaskDefault> Defaults { get; } = [.. AllTasks.Select(t => new TaskDefault { TaskType = t, ModelId = Small })];

    public static IHostApplicationBuilder AddModelCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ModelStore>();
        builder.Services.AddSingleton<ModelEvents>();
        builder.Services.AddHostedService<CatalogSeeder>();
        return builder;
    }

    private static Model Create(string id, int contextWindow, int latencyMs) => new()
    {
        Id = id,
        Provider = "local",
        Capabilities = { AllTasks },
        ContextWindowTokens = contextWindow,
        CostPer1KTokensMicros = 0,
        TypicalLatencyMs = latencyMs,
        Status = ModelStatus.Active,
        BuiltIn = true,
        Version = 1,
    };

    /// <summary>Seeds the catalogue at start-up without overwriting what operators changed since (set-if-absent).</summary>
    private sealed class CatalogSeeder(ModelStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.SeedAsync(All, Defaults);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

namespace GamingSystem.Orchestration;

public static class WorkflowServices
{
    /// <summary>Makes a built-in workflow startable by its name.</summary>
    public static IServiceCollection AddWorkflow<TWorkflow>(this IServiceCollection services)
        where TWorkflow : class, IWorkflow =>
        services.AddSingleton<IWorkflow, TWorkflow>();

    /// <summary>The store, and the runner that runs, resumes and compensates the workflows (<c>Orchestration:Runner</c>).</summary>
    public static IServiceCollection AddWorkflowRunner(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkflowRunnerOptions>()
            .Bind(configuration.GetSection(WorkflowRunnerOptions.SectionName))
            .Validate(o => o.MaxAttempts >= 1 && o.LeaseDuration >= TimeSpan.FromSeconds(1) && o.ScanInterval > TimeSpan.Zero && o.StepTimeout > TimeSpan.Zero,
                $"{WorkflowRunnerOptions.SectionName}: MaxAttempts must be at least 1, LeaseDuration at least 1 s, ScanInterval and StepTimeout positive")
            .ValidateOnStart();
        services.AddSingleton<WorkflowStore>();
        services.AddSingleton<WorkflowRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<WorkflowRunner>());
        return services;
    }
}

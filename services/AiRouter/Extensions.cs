namespace GamingSystem.AiRouter;

public static class Extensions
{
    /// <summary>The router, its per-model breakers (options from <c>AiRouter:Breaker</c>) and the model catalogue it reads.</summary>
    public static IHostApplicationBuilder AddModelRouting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BreakerOptions>()
            .BindConfiguration(BreakerOptions.SectionName)
            .Validate(o => o.FailuresToOpen is >= 1 and <= 1000, $"{BreakerOptions.SectionName}:{nameof(BreakerOptions.FailuresToOpen)} must be 1 to 1000")
            .Validate(o => o.BreakDuration > TimeSpan.Zero && o.BreakDuration <= TimeSpan.FromDays(1), $"{BreakerOptions.SectionName}:{nameof(BreakerOptions.BreakDuration)} must be positive and at most a day")
            .ValidateOnStart();
        builder.Services.AddSingleton<ModelHealth>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<Router>();
        return builder;
    }
}

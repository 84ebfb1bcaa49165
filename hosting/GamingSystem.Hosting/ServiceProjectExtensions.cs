using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using GamingSystem.Contracts;

namespace Aspire.Hosting;

public static class ServiceProjectExtensions
{
    /// <summary>The readiness path every GamingSystem process serves (ServiceDefaults' <c>MapDefaultEndpoints</c>).</summary>
    public const string HealthPath = "/health";

    /// <summary>
    /// Adds one of our .NET services the way all of them run: an http endpoint for health and metrics
    /// (<paramref name="port"/>, or a free one), its <c>/health</c> as the health check the dashboard shows and
    /// <c>WaitFor</c> waits on, a restart with backoff when it crashes, and, when the AppHost's build has built
    /// it, its own executable started directly.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var service = builder.AddProject<TProject>(name)
            .WithHttpEndpoint(port: port)
            // Each instance registers itself with capability-registry and heartbeats (ServiceDefaults).
            .WithEnvironment("Messaging__Registry__Enabled", "true")
            .WithHttpHealthCheck(HealthPath)
            .WithRestartOnCrash();

        // Settings only the environment can give, for two dozen processes on one machine (docs/benchmarks.md, "Idle
        // memory"; the rest is in Directory.Build.props): a method is recompiled optimized after 1,000 calls rather
        // than 30, so the code of start-up and of rare paths is not compiled twice; no W^X double mapping of JIT'd
        // code, which also shortens start-up; two malloc arenas rather than one per core and thread (native memory
        // that the runtime's threads touch once and glibc keeps); and a gen0 budget of 1 MB rather than one sized to
        // the 32 MB cache, which idle services never fill. Measured on a copy of settings beside the running system:
        // 116 MB resident idle without the last two, 110-112 with the arenas, 108 with both.
        foreach (var (variable, value) in builder.ExecutionContext.IsRunMode ? RuntimeEnvironment.Concat(LocalMemoryEnvironment) : RuntimeEnvironment)
        {
            service.WithEnvironment(variable, value);
        }

        if (builder.ExecutionContext.IsRunMode && BuiltExecutable(new TProject().ProjectPath, builder.AppHostAssembly) is { } executable)
        {
            // Aspire runs a project through `dotnet run`, which ignores the SIGINT that DCP stops it with and
            // never passes it on: every stop then waits for DCP's kill timeout, and each start pays for
            // `dotnet run` again. The AppHost's build has just built the service, so its executable is run instead.
            service.WithAnnotation(
                new ExecutableAnnotation { Command = executable, WorkingDirectory = Path.GetDirectoryName(executable)! },
                ResourceAnnotationMutationBehavior.Replace);
        }

        return service;
    }

    /// <summary>
    /// Makes this project the owner of the JetStream streams: it alone creates and updates them and may read,
    /// republish and dead-letter any event; every other service only publishes its own events into them, so it
    /// should <c>WaitFor</c> the owner.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEventStreams(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            // The manifest says who owns the streams, so a deployment (deploy/) gives it the same permissions.
            builder.WithEnvironment(ProcessSettings.AsEnvironmentVariable(ProcessSettings.ManageEventStreams), "true");
        }

        return builder.WithAnnotation(new Security.EventStreamOwnerAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Lets this project sign a player's id itself, as the gateway does, so that it can act for a player long after
    /// the player's own call (and the proof it carried) ended: durable work that resumes after a crash. Only a project
    /// whose purpose is that should have it: holding the key, it can act as any player towards any service it references.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlayerDelegation(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            // The manifest marks it, so a deployment (deploy/) gives it the signing key too.
            builder.WithEnvironment(PlayerDelegationVariable, "true");
        }

        return builder.WithAnnotation(new Security.PlayerDelegationAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>In the manifest only: this project signs player ids itself (<see cref="WithPlayerDelegation"/>).</summary>
    public const string PlayerDelegationVariable = "Messaging__PlayerDelegation";

    /// <summary>The runtime settings every service process gets by environment.</summary>
    internal static readonly IReadOnlyList<(string Variable, string Value)> RuntimeEnvironment =
    [
        ("DOTNET_TC_CallCountThreshold", "1000"),
        ("DOTNET_EnableWriteXorExecute", "0"),
    ];

    /// <summary>Memory settings for a developer's machine only: a deployment sizes each task for its service instead.</summary>
    internal static readonly IReadOnlyList<(string Variable, string Value)> LocalMemoryEnvironment =
    [
        ("MALLOC_ARENA_MAX", "2"),
        ("DOTNET_GCgen0MaxBudget", "0x100000"),
        // Nobody edits a running service's appsettings.json here: no file watcher thread per process.
        ("DOTNET_hostBuilder__reloadConfigOnChange", "false"),
    ];
    /// <summary>
    /// Lets this project ask every NATS micro service for its stats (<c>$SRV.STATS</c>: requests, errors and timings
    /// per endpoint), to judge the system's load. Only that request: it cannot PING, INFO or call the services.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceStats(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new Security.ServiceStatsReaderAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>The project's apphost executable in its default output folder, built in the AppHost's configuration.</summary>
    internal static string? BuiltExecutable(string projectPath, Assembly? appHostAssembly)
    {
        var configuration = appHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var executable = Path.Combine(projectDirectory, "bin", configuration, "net10.0", OperatingSystem.IsWindows() ? name + ".exe" : name);
        return File.Exists(executable) ? executable : null;
    }
}

using System.Reflection;
using GamingSystem.Hosting.ApplicationModel;
using GamingSystem.Hosting.Dashboard;
using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Hosting;

/// <summary>Wraps a <see cref="HostApplicationBuilder"/> and collects the resources of the model.</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly List<IResource> _resources = [];
    private readonly TestingHook? _testingHook;

    internal DistributedApplicationBuilder(DistributedApplicationOptions options, Assembly appHostAssembly, TestingHook? testingHook)
    {
        Options = options;
        AppHostAssembly = appHostAssembly;
        _testingHook = testingHook;
        _host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = options.Args,
            ApplicationName = appHostAssembly.GetName().Name,
        });

        // Stopping every child takes at most the grace period per dependency layer; give the
        // host room for that instead of its 30 s default that would hide a hang.
        _host.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        _host.Services.AddSingleton(TimeProvider.System);
    }

    public ConfigurationManager Configuration => _host.Configuration;

    public IServiceCollection Services => _host.Services;

    public IHostEnvironment Environment => _host.Environment;

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    /// <summary>The assembly whose build configuration decides which service outputs are run.</summary>
    internal Assembly AppHostAssembly { get; }

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' already exists in the model.");
        }

        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource)
        where T : IResource => new ResourceBuilder<T>(resource, this);

    public DistributedApplication Build()
    {
        // Under the testing builder the AppHost's entry point ends here: the test receives the
        // builder and may still change the model before it builds the application itself.
        _testingHook?.CaptureOnce(this);

        ModelValidator.Validate(_resources, Options);

        // Before the orchestrator: it must know where children export telemetry, and the dashboard
        // should be up (and stop last) around every resource it shows.
        _host.Services.AddSingleton<ResourceNotificationService>();
        _host.Services.AddSingleton<ResourceLoggerService>();
        _host.Services.AddSingleton(sp => new ResourceCommandService(sp.GetRequiredService<ResourceOrchestrator>()));
        DashboardSetup.Configure(_host.Services, _host.Configuration, Options);

        var orchestratorOptions = new OrchestratorOptions(Options, ProjectBuildConfiguration.Of(AppHostAssembly));
        _host.Services.AddSingleton(orchestratorOptions);
        _host.Services.AddSingleton<IReadOnlyList<IResource>>(_resources);
        _host.Services.AddSingleton<ResourceOrchestrator>();
        _host.Services.AddHostedService(sp => sp.GetRequiredService<ResourceOrchestrator>());
        _host.Services.AddHostedService<StartupSummary>();
        return new DistributedApplication(_host.Build());
    }
}

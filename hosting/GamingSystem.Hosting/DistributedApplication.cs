using System.Reflection;
using GamingSystem.Hosting.Dashboard;
using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Hosting;

/// <summary>A built application model: start it, watch its resources, stop it.</summary>
public sealed class DistributedApplication : IHost, IAsyncDisposable
{
    private readonly IHost _host;

    internal DistributedApplication(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <summary>State and health of every resource; waits and change streams.</summary>
    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    /// <summary>Stop, start and restart resources while the application runs.</summary>
    public ResourceCommandService ResourceCommands => Services.GetRequiredService<ResourceCommandService>();

    /// <summary>The captured console output of every resource instance.</summary>
    public ResourceLoggerService ResourceLogs => Services.GetRequiredService<ResourceLoggerService>();

    /// <summary>The dashboard of this run, or null when it is disabled (the testing builder's default).</summary>
    public DashboardInfo? Dashboard => Services.GetService<DashboardInfo>();

    private ResourceOrchestrator Orchestrator => Services.GetRequiredService<ResourceOrchestrator>();

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        CreateBuilder(new DistributedApplicationOptions { Args = args ?? [] });

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hook = TestingHook.Current;
        hook?.ConfigureOptions(options);
        var appHostAssembly = hook?.AppHostAssembly
            ?? Assembly.GetEntryAssembly()
            ?? throw new InvalidOperationException("The AppHost assembly could not be determined.");
        return new DistributedApplicationBuilder(options, appHostAssembly, hook);
    }

    /// <summary>Starts every resource in dependency order; returns once they are launched, not healthy.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _host.StartAsync(cancellationToken);

    /// <summary>Stops every resource, dependents first, and deletes the run's temporary files.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Runs until Ctrl+C or SIGTERM. A start-up problem is printed as one clear line, not a stack trace.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _host.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DistributedApplicationException ex)
        {
            await Console.Error.WriteLineAsync($"The AppHost could not start: {ex.Message}").ConfigureAwait(false);
            Environment.ExitCode = 1;
        }
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>The resolved connection string of a resource such as "nats" or "redis"; needs a started application.</summary>
    public ValueTask<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Orchestrator.GetConnectionStringAsync(resourceName, cancellationToken);

    /// <summary>The URL of a resource's endpoint (first replica); needs a started application.</summary>
    public Uri GetEndpoint(string resourceName, string endpointName = "http") =>
        Orchestrator.GetAllocatedEndpoint(resourceName, endpointName).Uri;

    /// <summary>An HttpClient whose BaseAddress is the resource's endpoint. The caller disposes it.</summary>
    public HttpClient CreateHttpClient(string resourceName, string endpointName = "http") =>
        new() { BaseAddress = GetEndpoint(resourceName, endpointName) };

    public async ValueTask DisposeAsync()
    {
        // The orchestrator's own stop is idempotent; calling it directly also covers an
        // application whose StartAsync failed half-way, which the host would not stop.
        await Orchestrator.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

using System.Globalization;
using GamingSystem.IntegrationTests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Chaos;

/// <summary>
/// The real AppHost's model booted through Aspire.Hosting.Testing, as the integration tests' SystemFixture boots it:
/// DCP runs nats-server, redis-server and the services as processes on random loopback ports.
/// </summary>
internal sealed class BootedSystem(DistributedApplication app) : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public DistributedApplication App => app;

    /// <summary>Every resource that is a process of ours: NATS and Redis nodes first, then the projects.</summary>
    public IReadOnlyList<string> Processes { get; } = OrderedProcesses(app);

    public IReadOnlyList<string> Services => [.. Model(app).OfType<ProjectResource>().Select(r => r.Name)];

    public static async Task<BootedSystem> StartAsync(string[] appHostArguments)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GamingSystem_AppHost>(appHostArguments, timeout.Token);
        // The resources' console lines and the health probes failing while a process is dead would drown the report.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Error)
            .AddFilter("GamingSystem.AppHost.Resources", LogLevel.None));
        // All load comes from one loopback address and a few players: the gateway's limits are for the internet, and
        // would turn this run into a measurement of themselves (as in the integration tests' fixture).
        var gateway = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.Gateway));
        foreach (var limit in new[] { "PerIp", "PerPlayer" })
        {
            gateway.WithEnvironment($"Gateway__RateLimits__{limit}__Burst", "100000000")
                .WithEnvironment($"Gateway__RateLimits__{limit}__PermitsPerPeriod", "100000000");
        }

        // The live feed's heartbeat every second: the event-bus probe waits for the first item of a feed.
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.EventBus))
            .WithEnvironment("EventBus__Watch__Heartbeat", "00:00:01");

        var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        var system = new BootedSystem(app);
        foreach (var resource in system.Processes.Concat(Model(app).OfType<PrometheusResource>().Select(r => r.Name)))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        return system;
    }

    public HttpClient CreateGatewayClient() =>
        new() { BaseAddress = app.GetEndpoint(ResourceNames.Gateway, "http"), Timeout = TimeSpan.FromSeconds(15) };

    public Uri? PrometheusAddress =>
        Model(app).Any(r => r.Name == ResourceNames.Prometheus) ? app.GetEndpoint(ResourceNames.Prometheus, "http") : null;

    public bool Has(string resource) => Model(app).Any(r => r.Name == resource);

    /// <summary>
    /// The resource's own process. DCP may start a project through <c>dotnet run</c>: then the snapshot's pid is that
    /// launcher, and the service is its child.
    /// </summary>
    public int ProcessOf(string resource)
    {
        var snapshot = Snapshot(resource);
        var launcher = snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        var pid = Convert.ToInt32(launcher, CultureInfo.InvariantCulture);
        var own = LinuxProcesses.Descendants(pid).FirstOrDefault(p => !LinuxProcesses.CommandLine(p).StartsWith("dotnet", StringComparison.Ordinal));
        return own == 0 ? pid : own;
    }

    public int Restarts(string resource) =>
        Snapshot(resource).Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int restarts ? restarts : 0;

    /// <summary>Until the AppHost has started the resource again after <paramref name="restartsBefore"/> and it is healthy.</summary>
    public async Task WaitRestartedAsync(string resource, int restartsBefore, CancellationToken cancellationToken) =>
        await app.ResourceNotifications.WaitForResourceAsync(
            resource,
            e => (e.Snapshot.Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int restarts ? restarts : 0) > restartsBefore
                && e.Snapshot.HealthStatus == HealthStatus.Healthy,
            cancellationToken);

    private CustomResourceSnapshot Snapshot(string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var current)
            ? current.Snapshot
            : throw new InvalidOperationException($"{resource} has no state yet");

    private static IReadOnlyList<string> OrderedProcesses(DistributedApplication app)
    {
        var model = Model(app);
        var servers = model.Where(r => r is not ProjectResource && r is not PrometheusResource && IsServer(r.Name)).Select(r => r.Name);
        return [.. servers.Order(StringComparer.Ordinal), .. model.OfType<ProjectResource>().Select(r => r.Name)];
    }

    /// <summary>The NATS and Redis nodes: "nats", "redis", and in cluster mode "nats-2", "redis-3", ...</summary>
    public static bool IsServer(string resource) =>
        resource is ResourceNames.Nats or ResourceNames.Redis
        || resource.StartsWith(ResourceNames.Nats + "-", StringComparison.Ordinal)
        || resource.StartsWith(ResourceNames.Redis + "-", StringComparison.Ordinal);

    private static IEnumerable<IResource> Model(DistributedApplication app) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources;

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

using GamingSystem.AiIntegration.Tests;
using GamingSystem.Contracts;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The real AppHost's model, booted once for the collection through Aspire.Hosting.Testing: DCP runs
/// nats-server, redis-server and the services as processes on random ports, so a running AppHost never clashes.
/// </summary>
public class SystemFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;
    private FakeOpenAiServer? _llm;

    /// <summary>The AppHost's command line: the system as F5 starts it (its idle memory is FootprintTests').</summary>
    protected virtual string[] Arguments => [];

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The system is not started.");

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The OpenAI-compatible endpoint the AppHost is given as ConnectionStrings:llm, so ai-integration has both providers.</summary>
    internal FakeOpenAiServer Llm => _llm ?? throw new InvalidOperationException("The system is not started.");

    public const int AiRouterFailuresToOpen = 2;

    public static readonly TimeSpan AiRouterBreakDuration = TimeSpan.FromSeconds(2);

    public const string LlmKey = "sk-integration-0d1e-never-logged";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _llm = await FakeOpenAiServer.StartAsync();
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GamingSystem_AppHost>(
            [$"--ConnectionStrings:{ResourceNames.Llm}=Endpoint={_llm.Endpoint};Key={LlmKey};Model={FakeOpenAiServer.Model}", .. Arguments], timeout.Token);
        // ai-router's circuits open after two failures and close after two seconds, so a test sees both happen.
        appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.AiRouter))
            .WithEnvironment("AiRouter__Breaker__FailuresToOpen", AiRouterFailuresToOpen.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("AiRouter__Breaker__BreakDuration", AiRouterBreakDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        // Every test here calls the gateway from loopback, some in bursts of hundreds (concurrent increments), and
        // the players of all tests share that one address: the rate limits are for clients on the internet, tested in
        // Gateway.Tests' RateLimitTests, and would make these tests about the limit instead of what they test.
        var gateway = appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.Gateway));
        foreach (var limit in new[] { "PerIp", "PerPlayer" })
        {
            gateway.WithEnvironment($"Gateway__RateLimits__{limit}__Burst", "1000000")
                .WithEnvironment($"Gateway__RateLimits__{limit}__PermitsPerPeriod", "1000000");
        }

        // The live feed's heartbeat every second, so a test of an idle feed waits one second rather than five.
        appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.EventBus))
            .WithEnvironment("EventBus__Watch__Heartbeat", "00:00:01");

        _app = await appHost.BuildAsync(timeout.Token);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await _app.StartAsync(timeout.Token);

        // Every service of the model, whatever the AppHost holds: NATS and Redis first, as the services wait for them.
        var resources = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources;
        foreach (var resource in resources.Where(r => r.Name is ResourceNames.Nats or ResourceNames.Redis).Concat(resources.OfType<ProjectResource>()))
        {
            await WaitHealthyAsync(resource.Name, timeout.Token);
        }

        StartedIn = started.Elapsed;
        IdleResidentBytes = await IdleMemoryAsync(resources.OfType<ProjectResource>().Select(r => r.Name), timeout.Token);
        Gateway = _app.CreateHttpClient(ResourceNames.Gateway);
    }

    /// <summary>From the start of the processes until every resource was healthy.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>Each service's resident memory once the system is up and quiet, before any test ran.</summary>
    public IReadOnlyDictionary<string, long> IdleResidentBytes { get; private set; } = new Dictionary<string, long>();

    /// <summary>
    /// Resident memory of each service after the system has been quiet for a while: start-up's allocations collected,
    /// the first heartbeats and registrations done. The largest of three readings a second apart.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, long>> IdleMemoryAsync(IEnumerable<string> services, CancellationToken cancellationToken)
    {
        await Task.Delay(IdleSettle, cancellationToken);
        var processes = services.ToDictionary(name => name, ServiceProcess);
        var largest = processes.ToDictionary(p => p.Key, _ => 0L);
        for (var reading = 0; reading < 3; reading++)
        {
            foreach (var (name, process) in processes)
            {
                largest[name] = Math.Max(largest[name], LinuxProcesses.ResidentBytes(process.Id));
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        return largest;
    }

    /// <summary>How long the system is left alone before its idle memory is read.</summary>
    public static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(10);

    public async Task WaitHealthyAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            App.ResourceNotifications.TryGetCurrentState(resource, out var current);
            throw new TimeoutException(
                $"{resource} did not become healthy: {current?.Snapshot.State?.Text}/{current?.Snapshot.HealthStatus}\n{await RecentLogsAsync(resource)}");
        }
    }

    /// <summary>The environment DCP started a resource with: what the dashboard's environment view shows.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentOf(string resource)
    {
        if (!App.ResourceNotifications.TryGetCurrentState(resource, out var current))
        {
            throw new InvalidOperationException($"{resource} has no state yet");
        }

        return current.Snapshot.EnvironmentVariables.ToDictionary(variable => variable.Name, variable => variable.Value);
    }

    /// <summary>A secret the AppHost handed a project: a file in the folder its environment names.</summary>
    public string SecretOf(string resource, string key)
    {
        var folder = EnvironmentOf(resource).GetValueOrDefault(ProcessSettings.SecretsDirectory)
            ?? throw new InvalidOperationException($"{resource} was given no secrets folder ({ProcessSettings.SecretsDirectory})");
        return File.ReadAllText(Path.Combine(folder, ProcessSettings.AsEnvironmentVariable(key)));
    }

    /// <summary>
    /// A service's own process. DCP may start a project through <c>dotnet run</c>: then the snapshot's pid is that
    /// launcher, and the service is its child.
    /// </summary>
    public static System.Diagnostics.Process ServiceProcess(CustomResourceSnapshot snapshot)
    {
        var launcher = snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        var pid = Convert.ToInt32(launcher, System.Globalization.CultureInfo.InvariantCulture);
        var service = LinuxProcesses.Descendants(pid).FirstOrDefault(p => !LinuxProcesses.CommandLine(p).StartsWith("dotnet", StringComparison.Ordinal));
        return System.Diagnostics.Process.GetProcessById(service == 0 ? pid : service);
    }

    /// <summary>The running process of a service resource.</summary>
    public System.Diagnostics.Process ServiceProcess(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current)
            ? ServiceProcess(current.Snapshot)
            : throw new InvalidOperationException($"{resource} has no state yet");

    /// <summary>The last console lines of a resource, for failure messages.</summary>
    public async Task<string> RecentLogsAsync(string resource, int lines = 40)
    {
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var collected = new List<string>();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            var model = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
            await foreach (var batch in logs.WatchAsync(model).WithCancellation(quick.Token))
            {
                collected.AddRange(batch.Select(l => l.Content));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return string.Join('\n', collected.TakeLast(lines));
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_llm is not null)
        {
            await _llm.DisposeAsync();
        }
    }
}

/// <summary>
/// The same system with NATS and Redis speaking TLS only (<c>--Tls true</c>), and with Prometheus and its alert
/// rules (<c>--Monitoring true</c>, MonitoringTests): both options on, so the suite boots one more system, not two.
/// </summary>
public sealed class TlsSystemFixture : SystemFixture
{
    protected override string[] Arguments => ["--Tls", "true", "--Monitoring", "true"];
}

[CollectionDefinition(Name)]
public sealed class TlsSystemCollection : ICollectionFixture<TlsSystemFixture>
{
    public const string Name = "system with TLS";
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}

/// <summary>
/// The same system on a three-node NATS cluster and a three-primary Redis Cluster (<c>--Cluster true</c>), for
/// ClusterTests: what production runs on, with nodes to kill.
/// </summary>
public sealed class ClusterSystemFixture : SystemFixture
{
    protected override string[] Arguments => ["--Cluster", "true"];
}

[CollectionDefinition(Name)]
public sealed class ClusterSystemCollection : ICollectionFixture<ClusterSystemFixture>
{
    public const string Name = "system on clusters";
}

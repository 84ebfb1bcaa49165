using GamingSystem.Contracts;
using GamingSystem.Hosting;
using GamingSystem.Hosting.Testing;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The whole application model, booted once for the collection through the testing builder: real
/// nats-server, redis-server and service processes on free ports, stopped when the collection ends.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The system is not started.");

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        _app = await appHost.BuildAsync();
        await _app.StartAsync();

        using var timeout = new CancellationTokenSource(StartTimeout);
        await WaitHealthyAsync(ResourceNames.Gateway, timeout.Token);
        await WaitHealthyAsync(ResourceNames.StateManager, timeout.Token);
        Gateway = _app.CreateHttpClient(ResourceNames.Gateway);
    }

    public async Task WaitHealthyAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            var snapshot = App.ResourceNotifications.GetSnapshot(resource);
            var logs = snapshot.Instances.SelectMany(i => App.ResourceLogs.GetLogs(i.InstanceName).TakeLast(40).Select(l => $"[{i.InstanceName}] {l.Text}"));
            throw new TimeoutException($"{resource} did not become healthy: {snapshot.State}/{snapshot.Health}\n{string.Join('\n', logs)}");
        }
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}

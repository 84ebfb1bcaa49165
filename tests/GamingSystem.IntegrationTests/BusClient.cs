using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// A small process of our own on the system's NATS, as a service would be: the SDK's client and publisher, and any
/// event handlers a test adds. Built from the connection string the AppHost gives its services.
/// </summary>
internal sealed class BusClient : IAsyncDisposable
{
    private readonly IHost _host;

    private BusClient(IHost host) => _host = host;

    public ServiceClient Services => _host.Services.GetRequiredService<ServiceClient>();

    public EventPublisher Events => _host.Services.GetRequiredService<EventPublisher>();

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<BusClient> StartAsync(SystemFixture system, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = await system.App.GetConnectionStringAsync(ResourceNames.Nats),
        });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.AddEventPublisher();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return new BusClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(5));
        _host.Dispose();
    }
}

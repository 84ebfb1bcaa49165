using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// A small process of our own on the system's NATS, as a service would be: the SDK's client and publisher, and any
/// event handlers a test adds. By default it connects as the operator and signs player ids with the gateway's key
/// (so it can call as the gateway does); <paramref name="identity"/> connects with another identity instead.
/// </summary>
internal sealed class BusClient : IAsyncDisposable
{
    private readonly IHost _host;

    private BusClient(IHost host) => _host = host;

    public ServiceClient Services => _host.Services.GetRequiredService<ServiceClient>();

    public EventPublisher Events => _host.Services.GetRequiredService<EventPublisher>();

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="identity">Whose NATS credentials to use: a project's resource name, or null for the operator.</param>
    /// <param name="signsAsGateway">Whether player ids it sends carry the gateway's proof.</param>
    public static async Task<BusClient> StartAsync(
        SystemFixture system, Action<HostApplicationBuilder>? configure = null, string? identity = null, bool signsAsGateway = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = identity is null
                ? await system.App.GetConnectionStringAsync(ResourceNames.Nats)
                : system.SecretOf(identity, $"ConnectionStrings:{ResourceNames.Nats}"),
            [ProcessSettings.CallerSigningKey] = signsAsGateway ? system.SecretOf(ResourceNames.Gateway, ProcessSettings.CallerSigningKey) : null,
            [ProcessSettings.TlsCaFile] = system.EnvironmentOf(ResourceNames.Gateway).GetValueOrDefault(ProcessSettings.AsEnvironmentVariable(ProcessSettings.TlsCaFile)),
            // The streams are event-bus's; an identity other than the operator's may not create them, as in the AppHost.
            [ProcessSettings.ManageEventStreams] = identity is null ? "true" : "false",
            // As many copies of each stream as the event-bus keeps (three on a cluster), or updating them would drop copies.
            ["Messaging:Events:Replicas"] = system.EnvironmentOf(ResourceNames.EventBus).GetValueOrDefault("Messaging__Events__Replicas") ?? "1",
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

using GamingSystem.ServiceDefaults.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>A nats-server, the scripted state-manager behind it and the gateway in front, shared by a class's tests.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    /// <summary>Small enough for a test to exceed cheaply, large enough for a body over NATS's 1 MiB max_payload.</summary>
    public const int MaxRequestBodyBytes = 3 * 1024 * 1024;

    /// <summary>An endpoint that throws, standing for any bug the gateway's own code may have.</summary>
    public const string ThrowingPath = "/test/throws";

    private readonly NatsServerFixture _nats = new();
    private IHost? _backend;
    private GatewayHost? _gateway;

    public HttpClient Http => (_gateway ?? throw new InvalidOperationException("the fixture has not started")).Http;

    public IServiceProvider Services => (_gateway ?? throw new InvalidOperationException("the fixture has not started")).Services;

    public async Task InitializeAsync()
    {
        await _nats.InitializeAsync();
        _backend = await Backend.StartAsync(_nats.ConnectionString);
        _gateway = await GatewayHost.StartAsync(_nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A handler that outlives this is a 504 in a second rather than in the default ten.
            ["Messaging:Client:DefaultTimeout"] = "00:00:01",
        },
        app => app.MapGet(ThrowingPath, string () => throw new InvalidOperationException("secret internals")));
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.StopAsync();
            _backend.Dispose();
        }

        await _nats.DisposeAsync();
    }
}

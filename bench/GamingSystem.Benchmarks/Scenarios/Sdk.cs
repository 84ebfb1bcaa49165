using GamingSystem.Benchmarks.V1;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>Bench served by the SDK: a generic host wired as a service's Program.cs wires it, minus HTTP and telemetry export.</summary>
/// <param name="traced">Whether NATS.Net's spans are recorded (see <see cref="SdkHost.Create"/>).</param>
internal sealed class SdkResponder(string url, bool traced = true) : IResponder
{
    private readonly IHost _host = SdkHost.Create(
        url,
        "bench-service",
        builder => builder
            .AddNatsService(BenchContract.Service)
            .AddHandler<EchoHandler>()
            .AddHandler<EchoSlowHandler>()
            .AddHandler<StreamHandler>(),
        traced);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        // The endpoints subscribed during StartAsync; a PING answered means the server has them, so the first
        // call cannot meet "no responders" (which would also count against the caller's circuit breaker).
        await _host.Services.GetRequiredService<INatsConnection>().PingAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => SdkHost.StopAsync(_host);
}

/// <summary>The SDK's <see cref="ServiceClient"/> in a host of its own, so it has its own connection.</summary>
internal sealed class SdkCaller(string url, MethodDescriptor method, byte[] payload) : ICaller
{
    private readonly IHost _host = SdkHost.Create(url, "bench-caller", _ => { });
    private readonly EchoRequest _request = new() { Data = ByteString.CopyFrom(payload) };
    private ServiceClient? _client;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        _client = _host.Services.GetRequiredService<ServiceClient>();
    }

    public async ValueTask CallAsync() =>
        await _client!.RequestAsync<EchoReply>(method, _request).ConfigureAwait(false);

    public ValueTask DisposeAsync() => SdkHost.StopAsync(_host);
}

internal static class SdkHost
{
    /// <param name="traced">Whether NATS.Net's spans are recorded, as in a service (AddNatsClient's default).</param>
    public static IHost Create(string url, string name, Action<HostApplicationBuilder> configure, bool traced = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = name, Args = [] });
        builder.Configuration.AddInMemoryCollection([new($"ConnectionStrings:{ResourceNames.Nats}", url)]);
        builder.Configuration.AddInMemoryCollection([new("Aspire:NATS:Net:DisableTracing", traced ? "false" : "true")]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddNatsClient(ResourceNames.Nats);
        configure(builder);
        return builder.Build();
    }

    public static async ValueTask StopAsync(IHost host)
    {
        await host.StopAsync().ConfigureAwait(false);
        // The NATS connection in its container can only be disposed asynchronously.
        await ((IAsyncDisposable)host).DisposeAsync().ConfigureAwait(false);
    }
}

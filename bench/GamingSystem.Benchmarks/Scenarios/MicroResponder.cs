using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// A bare NATS micro service (NATS.Client.Services) replying inline from its endpoint: the library the SDK
/// builds on, without the SDK's dispatch, deadline, telemetry or protobuf.
/// </summary>
internal sealed class MicroResponder(string url) : IResponder
{
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = "bench-micro-responder" });
    private INatsSvcServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await new NatsSvcContext(_nats)
            .AddServiceAsync(new NatsSvcConfig("bench", "1.0.0") { QueueGroup = BenchContract.QueueGroup }, cancellationToken)
            .ConfigureAwait(false);
        await _server.AddEndpointAsync<byte[]>(
            msg => msg.ReplyAsync(msg.Data, cancellationToken: cancellationToken),
            name: "echo",
            subject: BenchContract.EchoSubject,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await _nats.PingAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        await _nats.DisposeAsync().ConfigureAwait(false);
    }
}

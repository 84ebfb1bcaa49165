using GamingSystem.Benchmarks.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// The raw NATS.Net baseline for a stream: on a request, publish <c>count</c> chunks (the encoded EchoReply the SDK
/// would send) to its reply inbox as fast as NATS.Net takes them; no sequence header, no window, no end frame.
/// Each request is served on its own task, as the SDK serves each call.
/// </summary>
internal sealed class RawStreamResponder(string url, string subject, byte[] chunk) : IResponder
{
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = "bench-raw-stream-responder" });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _responding;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscription = await _nats.SubscribeCoreAsync<byte[]>(subject, BenchContract.QueueGroup, cancellationToken: cancellationToken).ConfigureAwait(false);
        _responding = RespondAsync(subscription, _stopping.Token);
        await _nats.PingAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_responding is not null)
        {
            await _responding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _nats.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RespondAsync(INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = StreamRequest.Parser.ParseFrom(msg.Data).Count;
                _ = PublishAsync(msg.ReplyTo!, count, cancellationToken);
            }
        }
    }

    private async Task PublishAsync(string inbox, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await _nats.PublishAsync(inbox, chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>The raw reader: subscribe to a fresh inbox, send the request, read <c>count</c> chunks.</summary>
internal sealed class RawStreamCaller(string url, string subject, byte[] request, int count) : ICaller
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = "bench-raw-stream-caller" });

    public async Task StartAsync(CancellationToken cancellationToken) => await _nats.ConnectAsync().ConfigureAwait(false);

    public async ValueTask CallAsync()
    {
        // Nothing here notices a lost chunk; the limit turns one into an error instead of a hang.
        using var limit = new CancellationTokenSource(Limit);
        var inbox = _nats.NewInbox();
        var subscription = await _nats.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: limit.Token).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await _nats.PublishAsync(subject, request, replyTo: inbox, cancellationToken: limit.Token).ConfigureAwait(false);
            for (var received = 0; received < count; received++)
            {
                _ = await subscription.Msgs.ReadAsync(limit.Token).ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync() => _nats.DisposeAsync();
}

/// <summary>
/// The SDK's reader: <see cref="ServiceClient.StreamAsync{TResponse}"/> to the end of the stream. Untraced, like its
/// responder: NATS.Net's tracing is process-wide, so a traced SDK host would trace the raw case's chunks as well.
/// </summary>
internal sealed class SdkStreamCaller(string url, int count, byte[] payload) : ICaller
{
    private readonly Microsoft.Extensions.Hosting.IHost _host = SdkHost.Create(url, "bench-stream-caller", _ => { }, traced: false);
    private readonly StreamRequest _request = new() { Count = count, Data = ByteString.CopyFrom(payload) };
    private ServiceClient? _client;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        _client = _host.Services.GetRequiredService<ServiceClient>();
    }

    public async ValueTask CallAsync()
    {
        var received = 0;
        await foreach (var _ in _client!.StreamAsync<EchoReply>(BenchContract.Stream, _request).ConfigureAwait(false))
        {
            received++;
        }

        if (received != count)
        {
            throw new InvalidOperationException($"the stream ended after {received} of {count} chunks");
        }
    }

    public ValueTask DisposeAsync() => SdkHost.StopAsync(_host);
}

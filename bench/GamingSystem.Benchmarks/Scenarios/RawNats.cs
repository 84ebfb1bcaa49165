using System.Globalization;
using GamingSystem.ServiceDefaults.Messaging;
using NATS.Client.Core;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// The idiomatic NATS.Net responder: a queue-group subscription that replies with what it received. With a
/// <paramref name="slowHandler"/> it waits 1 ms (<see cref="PreciseWait"/>) per request, each request on its own task,
/// which is the least any concurrent responder to a slow handler can cost.
/// </summary>
internal sealed class RawResponder(string url, string subject, bool slowHandler = false) : IResponder
{
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = "bench-raw-responder" });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _responding;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // SubscribeCoreAsync rather than SubscribeAsync: same read loop, but the SUB is on the wire when it
        // returns, so the PING after it proves the server has it.
        var subscription = await _nats.SubscribeCoreAsync<byte[]>(subject, BenchContract.QueueGroup, cancellationToken: cancellationToken).ConfigureAwait(false);
        _responding = slowHandler
            ? RespondConcurrentlyAsync(subscription, _stopping.Token)
            : RespondAsync(subscription, _stopping.Token);
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

    private static async Task RespondAsync(INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await msg.ReplyAsync(msg.Data, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task RespondConcurrentlyAsync(INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _ = Task.Run(
                    async () =>
                    {
                        await PreciseWait.OneMillisecond.WaitAsync().ConfigureAwait(false);
                        await msg.ReplyAsync(msg.Data, cancellationToken: cancellationToken).ConfigureAwait(false);
                    },
                    cancellationToken);
            }
        }
    }
}

/// <summary>
/// The idiomatic NATS.Net caller: <c>RequestAsync</c> with bytes. With <paramref name="deadlineHeader"/> it also
/// sends the one header the SDK sends, to price headers on their own; with <paramref name="timeoutToken"/> it
/// passes a per-call token that cancels at the deadline, as the SDK's Polly timeout does.
/// </summary>
internal sealed class RawCaller(string url, string subject, byte[] payload, bool deadlineHeader, bool timeoutToken = false) : ICaller
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = "bench-raw-caller" });

    public async Task StartAsync(CancellationToken cancellationToken) => await _nats.ConnectAsync().ConfigureAwait(false);

    public async ValueTask CallAsync()
    {
        var headers = deadlineHeader
            ? new NatsHeaders { [MessagingHeaders.Deadline] = (DateTimeOffset.UtcNow + Deadline).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) }
            : null;
        if (!timeoutToken)
        {
            await _nats.RequestAsync<byte[], byte[]>(subject, payload, headers).ConfigureAwait(false);
            return;
        }

        using var deadline = new CancellationTokenSource(Deadline);
        await _nats.RequestAsync<byte[], byte[]>(subject, payload, headers, cancellationToken: deadline.Token).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _nats.DisposeAsync();
}

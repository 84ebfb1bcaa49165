using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// An acknowledged JetStream publish into a stream of its own, stored on disk or in memory: what the file storage
/// of the system's event streams costs. The two subjects have the same length, so the bytes on the wire match.
/// </summary>
internal sealed class JetStreamStorePublish(string url, StreamConfigStorage storage, byte[] payload) : IScenario
{
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = url, Name = $"bench-{storage}-publisher" });
    private readonly string _subject = storage == StreamConfigStorage.File ? "bench.durability.file" : "bench.durability.memo";
    private NatsJSContext? _js;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _js = new NatsJSContext(_nats);
        var config = new StreamConfig($"BENCH_{storage.ToString().ToUpperInvariant()}", [_subject])
        {
            Storage = storage,
            // Bounded, so a long run does not fill the disk; old messages go as new ones come.
            MaxBytes = 256L * 1024 * 1024,
        };
        await _js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        await CallAsync().ConfigureAwait(false);
    }

    public async ValueTask CallAsync()
    {
        var ack = await _js!.PublishAsync(_subject, payload).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

    public ValueTask DisposeAsync() => _nats.DisposeAsync();
}

/// <summary>
/// A SET of a payload-sized value on a redis-server of its own, started with the persistence being measured
/// (<c>--appendonly</c>, <c>--appendfsync</c>): what the AppHost's choice costs against the others. Keys cycle over
/// ten thousand, so memory stays flat however long the run.
/// </summary>
internal sealed class RedisPersistenceWrite(string serverPath, IReadOnlyList<string> persistence, byte[] payload) : IScenario
{
    private ServerProcess? _server;
    private ConnectionMultiplexer? _redis;
    private IDatabase? _db;
    private long _next;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await ServerProcess.StartRedisAsync(serverPath, persistence, cancellationToken).ConfigureAwait(false);
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_server.Port}").ConfigureAwait(false);
        _db = _redis.GetDatabase();
        await CallAsync().ConfigureAwait(false);
    }

    public async ValueTask CallAsync()
    {
        var key = $"bench:{Interlocked.Increment(ref _next) % 10_000}";
        if (!await _db!.StringSetAsync(key, payload).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"SET {key} was not acknowledged");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

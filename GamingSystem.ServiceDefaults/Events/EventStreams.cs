using GamingSystem.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>
/// Creates or updates the JetStream streams <c>common.proto</c> declares, at start-up, before anything publishes or
/// consumes. Idempotent. Only the streams' owner runs it where the bus has permissions (<see cref="EventOptions.ManageStreams"/>).
/// </summary>
internal sealed partial class EventStreams(INatsJSContext js, INatsConnection nats, IOptions<EventOptions> options, ILogger<EventStreams> logger) : IHostedService
{
    /// <summary>A publish repeated within this window with the same <c>Nats-Msg-Id</c> is stored once.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan EventRetention = TimeSpan.FromDays(7);
    private static readonly TimeSpan DeadLetterRetention = TimeSpan.FromDays(30);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static StreamConfig ConfigFor(EventStreamContract stream, int replicas = 1) => new(stream.Name, stream.Subjects.ToArray())
    {
        NumReplicas = replicas,
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Limits,
        Discard = StreamConfigDiscard.Old,
        DuplicateWindow = DuplicateWindow,
        MaxAge = stream == EventContracts.DeadLetters ? DeadLetterRetention : EventRetention,
        // Direct gets let the event-bus read one message (a dead letter to redrive) without a consumer.
        AllowDirect = true,
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ManageStreams)
        {
            LogNotOwner();
            return;
        }

        // The AppHost starts a service once NATS is healthy, but JetStream may still be recovering its store:
        // retry for a while, then fail the start loudly rather than run a service whose events go nowhere.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await nats.ConnectAsync().ConfigureAwait(false);
                foreach (var stream in EventContracts.Streams)
                {
                    await js.CreateOrUpdateStreamAsync(ConfigFor(stream, options.Value.Replicas), timeout.Token).ConfigureAwait(false);
                }

                LogReady(EventContracts.Streams.Count);
                return;
            }
            catch (Exception ex) when (ex is NatsException or NatsJSException && !timeout.IsCancellationRequested)
            {
                LogRetrying(ex.Message);
                await Task.Delay(delay, timeout.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "JetStream streams ready ({Count})")]
    private partial void LogReady(int count);

    [LoggerMessage(EventId = 32, Level = LogLevel.Debug, Message = "JetStream streams are managed by their owner (Messaging:Events:ManageStreams is false)")]
    private partial void LogNotOwner();

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "JetStream streams not ready yet, retrying: {Reason}")]
    private partial void LogRetrying(string reason);
}

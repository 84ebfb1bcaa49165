using System.Text.Json;
using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.Services;
using NATS.Client.Services.Models;

namespace GamingSystem.PerformanceMode.Mode;

/// <summary>The derived mode and the loads it was derived from, as of the last stats round.</summary>
public sealed record DerivedStatus(ServerMode Mode, string Reason, IReadOnlyList<ServiceLoad> Loads, DateTimeOffset At);

/// <summary>
/// Asks every NATS micro service for its stats (<c>$SRV.STATS</c>, one request, every instance replies) each
/// <see cref="ModeOptions.SampleInterval"/>, feeds the replies to the <see cref="LoadWindow"/> and derives the mode.
/// GetServerMode reads the last result, so asking it costs nothing however many services poll it.
/// </summary>
public sealed partial class StatsSampler(INatsConnection nats, IOptions<ModeOptions> options, TimeProvider time, ILogger<StatsSampler> logger)
    : BackgroundService
{
    /// <summary>Every NATS micro service answers it; the AppHost lets this service alone ask it (<c>WithServiceStats</c>).</summary>
    public const string StatsSubject = "$SRV.STATS";

    private readonly LoadWindow _window = new(options.Value);
    private volatile DerivedStatus _current = new(ServerMode.Normal, "no service stats sampled yet", [], DateTimeOffset.MinValue);

    public DerivedStatus Current => _current;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or JsonException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                LogSampleFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var replies = new List<InstanceCounters>();
        await foreach (var reply in nats.RequestManyAsync<byte[], byte[]>(
            StatsSubject,
            [],
            replyOpts: new NatsSubOpts { Timeout = options.Value.ReplyWindow },
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (reply.Data is { Length: > 0 } data && JsonSerializer.Deserialize<StatsResponse>(data) is { } stats)
            {
                replies.Add(Counters(stats));
            }
        }

        var now = time.GetUtcNow();
        _window.Add(now, replies);
        var loads = _window.Loads(now);
        var (mode, reason) = ModeDeriver.Derive(loads, options.Value);
        if (mode != _current.Mode)
        {
            LogModeChanged(mode.ToString(), reason);
        }

        _current = new DerivedStatus(mode, reason, loads, now);
    }

    /// <summary>
    /// An instance's totals. Endpoints of this SDK's services carry their real timings in <c>data</c>
    /// (<see cref="EndpointLoad"/>); any other NATS micro service is read from the standard fields.
    /// </summary>
    public static InstanceCounters Counters(StatsResponse stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        long requests = 0, errors = 0, serverErrors = 0, timeNs = 0;
        foreach (var endpoint in stats.Endpoints ?? [])
        {
            errors += endpoint.NumErrors;
            if (endpoint.Data is System.Text.Json.Nodes.JsonObject data && data[EndpointLoad.CompletedField] is { } completed)
            {
                requests += completed.GetValue<long>();
                timeNs += data[EndpointLoad.TotalTimeField]?.GetValue<long>() ?? 0;
                serverErrors += data[EndpointLoad.ServerErrorsField]?.GetValue<long>() ?? 0;
            }
            else
            {
                requests += endpoint.NumRequests;
                timeNs += endpoint.ProcessingTime;
            }
        }

        // Named as the AppHost names it (language-system), not as NATS micro does (language_system).
        return new InstanceCounters(stats.Name.Replace('_', '-'), stats.Id, requests, errors, serverErrors, timeNs);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Server mode is now {Mode}: {Reason}")]
    private partial void LogModeChanged(string mode, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not sample the services' stats: {Reason}")]
    private partial void LogSampleFailed(string reason);
}

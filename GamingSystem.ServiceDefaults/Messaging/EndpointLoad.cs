using System.Text.Json.Nodes;
using GamingSystem.Contracts.Common.V1;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// What one endpoint of this instance really did, reported in the <c>data</c> of its NATS micro stats
/// (<c>$SRV.STATS</c>). NATS.Client.Services times only the call that hands a request over, and this SDK hands
/// every request over at once to run concurrently, so the stats' own <c>processing_time</c> is near zero whatever a
/// request costs. These counters time each request from its receipt (a wait for a slot included) to its reply, and
/// count the service's own failures apart from the caller's mistakes, which the stats' <c>num_errors</c> mixes.
/// </summary>
public sealed class EndpointLoad
{
    /// <summary>Requests answered, a reply or an error.</summary>
    public const string CompletedField = "completed";

    /// <summary>Their summed time from receipt to reply, in nanoseconds (the unit of the stats' processing_time).</summary>
    public const string TotalTimeField = "total_time_ns";

    /// <summary>Those answered with a server-side error: INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, UNKNOWN, DATA_LOSS.</summary>
    public const string ServerErrorsField = "server_errors";

    private long _completed;
    private long _totalTicks;
    private long _serverErrors;

    public void Record(TimeSpan elapsed, ErrorCode code)
    {
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _totalTicks, elapsed.Ticks);
        if (IsServerError(code))
        {
            Interlocked.Increment(ref _serverErrors);
        }
    }

    public JsonNode ToJson() => new JsonObject
    {
        [CompletedField] = Volatile.Read(ref _completed),
        [TotalTimeField] = Volatile.Read(ref _totalTicks) * 100,
        [ServerErrorsField] = Volatile.Read(ref _serverErrors),
    };

    /// <summary>A failure of the service rather than of the request: what a caller cannot fix by asking differently.</summary>
    public static bool IsServerError(ErrorCode code) =>
        code is ErrorCode.Internal or ErrorCode.Unavailable or ErrorCode.DeadlineExceeded or ErrorCode.Unknown or ErrorCode.DataLoss;
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway;

/// <summary>A token bucket: <see cref="Burst"/> requests at once, refilled by <see cref="PermitsPerPeriod"/> every <see cref="Period"/>.</summary>
public sealed class RateLimit
{
    public int Burst { get; set; }

    public int PermitsPerPeriod { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    internal TokenBucketRateLimiterOptions ToLimiterOptions() => new()
    {
        TokenLimit = Burst,
        TokensPerPeriod = PermitsPerPeriod,
        ReplenishmentPeriod = Period,
        // Over the limit is an answer at once, never a wait in a queue.
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    internal void Validate(string name)
    {
        if (Burst <= 0 || PermitsPerPeriod <= 0 || Period <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.RateLimits)}:{name} needs a positive Burst, PermitsPerPeriod and Period (got {Burst}, {PermitsPerPeriod}, {Period})");
        }
    }

    public override string ToString() => Period == TimeSpan.FromSeconds(1)
        ? $"{PermitsPerPeriod} per second with bursts of {Burst}"
        : $"{PermitsPerPeriod} per {Period} with bursts of {Burst}";
}

/// <summary>Bound from <c>Gateway:RateLimits</c>.</summary>
public sealed class RateLimitsOptions
{
    /// <summary>Every request from one client address (an IPv6 client by its /64), authenticated or not.</summary>
    public RateLimit PerIp { get; set; } = new() { PermitsPerPeriod = 100, Burst = 200 };

    /// <summary>Every authenticated request of one player, whatever the session or address it comes from.</summary>
    public RateLimit PerPlayer { get; set; } = new() { PermitsPerPeriod = 50, Burst = 100 };
}

/// <summary>
/// The two request-rate limits, token buckets partitioned by client address and by player.
/// <para>
/// The address limit is ASP.NET Core's global limiter: it runs in the rate-limiting middleware, before routing's
/// handler, so a request over it costs no authentication, no body reading and no in-flight slot. The player is
/// only known once the bearer token is checked, so the player limit is taken right after
/// <see cref="Authentication"/> and before the body is read. That check costs no call to auth for a
/// rejected request of a known session: the gateway caches each token's player. The tokens it cannot cache are
/// those auth refuses, and sending those is bounded by the address limit, which came first. Partitioning by the
/// token instead (before authentication) would let a player with several sessions multiply the limit.
/// </para>
/// </summary>
internal sealed class RateLimits : IDisposable
{
    private readonly RateLimitsOptions _options;
    private readonly PartitionedRateLimiter<string> _players;

    public RateLimits(RateLimitsOptions options)
    {
        options.PerIp.Validate(nameof(RateLimitsOptions.PerIp));
        options.PerPlayer.Validate(nameof(RateLimitsOptions.PerPlayer));
        _options = options;
        _players = PartitionedRateLimiter.Create<string, string>(player =>
            RateLimitPartition.GetTokenBucketLimiter(player, _ => options.PerPlayer.ToLimiterOptions()));
        Addresses = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsHealth(context.Request.Path)
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetTokenBucketLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => options.PerIp.ToLimiterOptions()));
    }

    /// <summary>The global limiter of the rate-limiting middleware.</summary>
    public PartitionedRateLimiter<HttpContext> Addresses { get; }

    /// <summary>Takes one request of <paramref name="playerId"/>'s allowance.</summary>
    /// <exception cref="ServiceException">RESOURCE_EXHAUSTED (429 with Retry-After) when it is spent.</exception>
    public void AcquirePlayer(string playerId)
    {
        using var lease = _players.AttemptAcquire(playerId);
        if (!lease.IsAcquired)
        {
            throw Exhausted(lease, $"too many requests from this player: the limit is {_options.PerPlayer} ({GatewayOptions.SectionName}:{nameof(GatewayOptions.RateLimits)}:{nameof(RateLimitsOptions.PerPlayer)})");
        }
    }

    /// <summary>The problem for a request the address limit refused.</summary>
    public Error AddressRefused(RateLimitLease lease, HttpContext context) =>
        Exhausted(lease, $"too many requests from {ClientKey(context.Connection.RemoteIpAddress)}: the limit is {_options.PerIp} ({GatewayOptions.SectionName}:{nameof(GatewayOptions.RateLimits)}:{nameof(RateLimitsOptions.PerIp)})").Error;

    /// <summary>Health probes come from the orchestrator, often all from one address, and must never be refused.</summary>
    private static bool IsHealth(PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The socket's peer address: X-Forwarded-For is not read, since any client can write it. An IPv6 client is
    /// keyed by its /64, the smallest block a host is usually given, so it cannot take a fresh allowance per address.
    /// </summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static ServiceException Exhausted(RateLimitLease lease, string message)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        return new ServiceException(ErrorCode.ResourceExhausted, message, details: new Dictionary<string, string>
        {
            [ServiceException.RetryAfterDetail] = ((long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture),
        });
    }

    public void Dispose()
    {
        _players.Dispose();
        Addresses.Dispose();
    }
}

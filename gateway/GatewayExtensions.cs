using System.Threading.RateLimiting;
using GamingSystem.Contracts.Common.V1;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GamingSystem.Gateway;

/// <summary>Settings bound from <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Largest request body accepted (413 above it, with or without a Content-Length). The largest state value
    /// is 1 MiB, which is 1,398,104 bytes of base64 in JSON; 2 MiB leaves room for the other fields and for
    /// JSON writers that escape '+' as \u002B.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Requests handled at once; more wait in a short queue, then get 503. Never an unbounded queue.</summary>
    public int MaxConcurrentRequests { get; set; } = 2048;

    public int QueueLimit { get; set; } = 512;

    /// <summary>How long a bearer token checked with auth is trusted without asking again (a logout ends it at once).</summary>
    public TimeSpan TokenCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sessions remembered at once; the oldest make room past this.</summary>
    public long TokenCacheSize { get; set; } = 100_000;

    /// <summary>
    /// How long the gateway waits for a service, sent along as the call's deadline (the service reads it as
    /// <c>CallContext.Deadline</c>, and its own calls inherit what is left); 504 when it passes. Null: the client's
    /// <c>Messaging:Client:DefaultTimeout</c>.
    /// </summary>
    public TimeSpan? DefaultDeadline { get; set; }

    /// <summary>Deadlines of single methods by full name (<c>gaming.state_manager.v1.StateManager.Get</c>), over the default.</summary>
    public Dictionary<string, TimeSpan> Deadlines { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The live event feed (<c>GET /api/v1/events/stream</c>) is a stream meant to last, unless <see cref="Deadlines"/>
    /// names it: when it ends, an EventSource reconnects with its Last-Event-ID and misses nothing.
    /// </summary>
    public TimeSpan EventFeedDeadline { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The deadline of <paramref name="route"/>'s calls, or null for the client's default.</summary>
    internal TimeSpan? DeadlineOf(HttpRoute route) =>
        Deadlines.TryGetValue(route.Method.FullName, out var deadline) ? deadline
        : route.Method.FullName == EventFeed ? EventFeedDeadline
        : DefaultDeadline;

    private const string EventFeed = "gaming.event_bus.v1.EventBus.Watch";

    /// <summary>A deadline for a method with no route, or one that is not positive, is a mistake to report at start-up.</summary>
    internal void ValidateDeadlines(IReadOnlyCollection<HttpRoute> routes)
    {
        foreach (var (name, deadline) in Deadlines.Select(d => (d.Key, (TimeSpan?)d.Value)).Append((nameof(DefaultDeadline), DefaultDeadline)))
        {
            if (deadline <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{SectionName}: the deadline of {name} must be positive, not {deadline}");
            }
        }

        var unknown = Deadlines.Keys.Where(name => !routes.Any(r => r.Method.FullName == name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(Deadlines)} names methods without a route: {string.Join(", ", unknown)} (keys are full method names, e.g. gaming.state_manager.v1.StateManager.Get)");
        }
    }

    /// <summary>Requests per client address and per player (429 with Retry-After above them).</summary>
    public RateLimitsOptions RateLimits { get; set; } = new();
}

internal static class GatewayExtensions
{
    public const string InFlightPolicy = "in-flight";

    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(GatewayOptions.SectionName);
        var options = section.Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.Configure<GatewayOptions>(section);
        builder.Services.AddMemoryCache(cache => cache.SizeLimit = options.TokenCacheSize);
        builder.Services.AddSingleton<Authentication>();
        // The gateway enforces MaxRequestBodyBytes itself and reads the rest of a body over it, so the client
        // gets the 413 (see RequestBody); Kestrel's hard limit bounds that reading.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = 2 * options.MaxRequestBodyBytes);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Bare statuses from routing (404, 405) get the same code and detail as every other error.
            var http = context.HttpContext;
            var details = context.ProblemDetails;
            if (details.Extensions.ContainsKey("code"))
            {
                return;
            }

            (details.Extensions["code"], details.Detail) = details.Status switch
            {
                StatusCodes.Status404NotFound => ("NOT_FOUND", details.Detail ?? $"no route for {http.Request.Method} {http.Request.Path}"),
                StatusCodes.Status405MethodNotAllowed => ("METHOD_NOT_ALLOWED", $"{http.Request.Method} is not allowed on {http.Request.Path}; allowed: {http.Response.Headers.Allow}"),
                // An exception nothing caught: the same code a service's unexpected failure has, not the framework's title.
                StatusCodes.Status500InternalServerError => ("INTERNAL", details.Detail ?? "the gateway failed unexpectedly"),
                _ => (details.Title?.ToUpperInvariant().Replace(' ', '_') ?? "ERROR", details.Detail),
            };
        });
        var rateLimits = new RateLimits(options.RateLimits);
        // From a factory, so that the container disposes it (and its replenishing timer) with the app.
        builder.Services.AddSingleton(_ => rateLimits);
        builder.Services.AddRateLimiter(limiter =>
        {
            // The address limit comes first, for every request but health probes; the player limit is taken once
            // the caller is known (see RateLimits). Its refusals are the default ones, the in-flight bound's its own.
            limiter.GlobalLimiter = rateLimits.Addresses;
            limiter.OnRejected = (context, cancellationToken) =>
            {
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return new ValueTask(Problems.From(rateLimits.AddressRefused(context.Lease, context.HttpContext), context.HttpContext)
                    .ExecuteAsync(context.HttpContext));
            };
            limiter.AddPolicy(InFlightPolicy, new InFlight(options));
        });
        return builder;
    }

    public static WebApplication UseGateway(this WebApplication app)
    {
        // Unhandled exceptions and bare status codes (405, 415...) still answer in problem+json.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        return app;
    }
}

/// <summary>Requests handled at once: beyond the bound and its short queue, 503 with Retry-After at once.</summary>
internal sealed class InFlight(GatewayOptions options) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (context, cancellationToken) =>
    {
        context.HttpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.HttpContext.Response.Headers.RetryAfter = "1";
        return new ValueTask(Problems.From(ErrorCode.Unavailable, "the gateway is at capacity; retry shortly", context.HttpContext)
            .ExecuteAsync(context.HttpContext));
    };

    // One partition: the bound is the gateway's, not a client's.
    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter(string.Empty, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
}

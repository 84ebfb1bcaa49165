using System.Globalization;
using System.Net.ServerSentEvents;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace GamingSystem.Gateway;

/// <summary>Maps every annotated method of the given proto services to an HTTP endpoint; no hand-written routes.</summary>
internal static class ContractRoutes
{
    /// <summary>The interactive API page (Scalar), reading <see cref="OpenApiDocument.Path"/>.</summary>
    public const string ScalarPath = "/scalar";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static IEndpointRouteBuilder MapContractRoutes(this IEndpointRouteBuilder endpoints, IEnumerable<ServiceDescriptor> services)
    {
        var routes = services.SelectMany(HttpRoute.For).ToList();
        var gateway = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        gateway.ValidateDeadlines(routes);
        foreach (var route in routes)
        {
            var deadline = gateway.DeadlineOf(route);
            endpoints.MapMethods(route.Pattern, [route.Verb], (HttpContext context, ServiceClient client, Authentication authentication, RateLimits rateLimits, IOptions<GatewayOptions> options) =>
                    route.Method.IsServerStreaming
                        ? StreamAsync(route, deadline, context, client, authentication, rateLimits, options.Value)
                        : HandleAsync(route, deadline, context, client, authentication, rateLimits, options.Value))
                .WithName(route.Method.FullName)
                .WithDisplayName($"{route.Verb} {route.Pattern} -> {ServiceSubjects.For(route.Method)}")
                .RequireRateLimiting(GatewayExtensions.InFlightPolicy);
        }

        var openApi = OpenApiDocument.Build(services);
        endpoints.MapGet(OpenApiDocument.Path, () => Results.Text(openApi, "application/json")).WithName("openapi");

        // The interactive page over that document, its script served from the package (no CDN), nothing reported home.
        endpoints.MapScalarApiReference(ScalarPath, scalar =>
        {
            scalar.WithTitle("GamingSystem API").WithOpenApiRoutePattern(OpenApiDocument.Path);
            scalar.Telemetry = false;
        });

        // No fallback route: routing itself answers 404 for an unknown path and 405 (with Allow) for a known
        // path with another method, and GatewayExtensions gives both the problem+json shape of every error.
        return endpoints;
    }

    private static Task<IResult> HandleAsync(HttpRoute route, TimeSpan? deadline, HttpContext context, ServiceClient client, Authentication authentication, RateLimits rateLimits, GatewayOptions options) =>
        Guarded(context, async () =>
        {
            var (request, call) = await ReadAsync(route, deadline, context, authentication, rateLimits, options).ConfigureAwait(false);
            var response = await client.RequestAsync(route.Method, request, call, context.RequestAborted).ConfigureAwait(false);
            authentication.Forget(route, context.Request);
            return Results.Text(Formatter.Format(response), "application/json", statusCode: StatusCodes.Status200OK);
        });

    /// <summary>
    /// A server-streaming method as Server-Sent Events: one <c>message</c> event per message (its id the message's
    /// index), then an <c>end</c> event, or an <c>error</c> event with the problem if the stream fails part-way.
    /// The stream is opened before the response starts, so a refusal (bad input, 401, 403, 503) is an ordinary
    /// problem+json response; a client that disconnects cancels the call, and with it the service's work.
    /// </summary>
    private static Task<IResult> StreamAsync(HttpRoute route, TimeSpan? deadline, HttpContext context, ServiceClient client, Authentication authentication, RateLimits rateLimits, GatewayOptions options) =>
        Guarded(context, async () =>
        {
            var (request, call) = await ReadAsync(route, deadline, context, authentication, rateLimits, options).ConfigureAwait(false);
            var messages = client.StreamAsync<IMessage>(route.Method, request, call, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
            try
            {
                var first = await messages.MoveNextAsync().ConfigureAwait(false);
                var signedIn = call.PlayerId is null ? null : new SessionCheck(authentication, context.Request);
                return TypedResults.ServerSentEvents(Events(messages, first, signedIn));
            }
            catch
            {
                await messages.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        });

    private static async IAsyncEnumerable<SseItem<string>> Events(IAsyncEnumerator<IMessage> messages, bool any, SessionCheck? signedIn)
    {
        await using (messages.ConfigureAwait(false))
        {
            for (var index = 0L; any; index++)
            {
                if (signedIn is not null && !await signedIn.StillAsync().ConfigureAwait(false))
                {
                    // Logged out (here, or on another replica once its cache lets go): the stream ends, its call with it.
                    yield return new SseItem<string>(SessionEnded, "end");
                    yield break;
                }

                // A message with a cursor (a resumable stream) gives its event id: a client that reconnects sends
                // it back as Last-Event-ID. Other streams number their messages.
                var current = messages.Current;
                var id = current.Descriptor.FindFieldByName(ResumeCursor) is { FieldType: FieldType.String } cursor
                    ? (string)cursor.Accessor.GetValue(current)
                    : index.ToString(CultureInfo.InvariantCulture);
                yield return new SseItem<string>(Formatter.Format(current), "message") { EventId = id };
                Error? failure = null;
                try
                {
                    any = await messages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (ServiceException ex)
                {
                    failure = ex.Error;
                    any = false;
                }

                if (failure is not null)
                {
                    yield return new SseItem<string>(Problems.Json(failure), "error");
                    yield break;
                }
            }

            yield return new SseItem<string>("{}", "end");
        }
    }

    /// <summary>
    /// Authenticates the caller, takes one request of the player's rate limit, and reads the request; the player
    /// id travels in a header only the gateway sets, the route's deadline as the call's.
    /// </summary>
    private static async Task<(IMessage Request, CallOptions Call)> ReadAsync(HttpRoute route, TimeSpan? deadline, HttpContext context, Authentication authentication, RateLimits rateLimits, GatewayOptions options)
    {
        var caller = await authentication.AuthenticateAsync(route, context.Request).ConfigureAwait(false);
        if (caller is not null)
        {
            rateLimits.AcquirePlayer(caller.PlayerId);
        }

        var request = await RequestReader.ReadAsync(route, context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        Authentication.BindSessionToken(context.Request, request);
        BindLastEventId(context.Request, request);
        return (request, new CallOptions { PlayerId = caller?.PlayerId, Timeout = deadline });
    }

    /// <summary>The field of a resumable stream's messages that is their SSE event id.</summary>
    private const string ResumeCursor = "cursor";

    /// <summary>The field of a resumable stream's request that says where to resume, filled from the Last-Event-ID header.</summary>
    private const string ResumeFrom = "last_event_id";

    private const string SessionEnded = "{\"reason\":\"the session ended\"}";

    /// <summary>An EventSource that reconnects sends the last event id it saw as a header; the query may say it too, and wins.</summary>
    private static void BindLastEventId(HttpRequest http, IMessage request)
    {
        if (request.Descriptor.FindFieldByName(ResumeFrom) is { FieldType: FieldType.String } field
            && ((string)field.Accessor.GetValue(request)).Length == 0
            && http.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId)
        {
            field.Accessor.SetValue(request, lastEventId);
        }
    }

    /// <summary>Whether a stream's session still stands: asked at most once a second, from the token cache unless it lapsed.</summary>
    private sealed class SessionCheck(Authentication authentication, HttpRequest request)
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        private long _next = Environment.TickCount64 + (long)Interval.TotalMilliseconds;

        public async ValueTask<bool> StillAsync()
        {
            if (Environment.TickCount64 < _next)
            {
                return true;
            }

            _next = Environment.TickCount64 + (long)Interval.TotalMilliseconds;
            return await authentication.StillSignedInAsync(request).ConfigureAwait(false);
        }
    }

    /// <summary>Every failure before a response starts becomes problem+json with the status of its code.</summary>
    private static async Task<IResult> Guarded(HttpContext context, Func<Task<IResult>> handle)
    {
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (ServiceException ex) when (ex.IsPayloadTooLarge)
        {
            // Within the gateway's body limit but over NATS's max_payload: too large all the same, not a server fault.
            return Problems.From(ex.Error, context, StatusCodes.Status413PayloadTooLarge);
        }
        catch (ServiceException ex)
        {
            if (ex.Code == ErrorCode.Unauthenticated)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            return Problems.From(ex.Error, context);
        }
        catch (BadHttpRequestException ex)
        {
            // The body limit (413) and Kestrel's own checks (body cut off: 400) keep their status, in our shape.
            return Problems.From(new Error { Code = ErrorCode.InvalidArgument, Message = ex.Message, Field = "body" }, context, ex.StatusCode);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads this.
            return Results.Empty;
        }
    }
}

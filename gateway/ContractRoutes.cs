using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace GamingSystem.Gateway;

/// <summary>Maps every annotated method of the given proto services to an HTTP endpoint; no hand-written routes.</summary>
internal static class ContractRoutes
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static IEndpointRouteBuilder MapContractRoutes(this IEndpointRouteBuilder endpoints, IEnumerable<ServiceDescriptor> services)
    {
        // Server-streaming methods are served as SSE (issue 11); until then they have no route rather than a wrong one.
        foreach (var route in services.SelectMany(HttpRoute.For).Where(r => !r.Method.IsServerStreaming))
        {
            endpoints.MapMethods(route.Pattern, [route.Verb], (HttpContext context, ServiceClient client, Authentication authentication, IOptions<GatewayOptions> options) =>
                    HandleAsync(route, context, client, authentication, options.Value))
                .WithName(route.Method.FullName)
                .WithDisplayName($"{route.Verb} {route.Pattern} -> {ServiceSubjects.For(route.Method)}")
                .RequireRateLimiting(GatewayExtensions.InFlightPolicy);
        }

        var openApi = OpenApiDocument.Build(services);
        endpoints.MapGet(OpenApiDocument.Path, () => Results.Text(openApi, "application/json")).WithName("openapi");

        // No fallback route: routing itself answers 404 for an unknown path and 405 (with Allow) for a known
        // path with another method, and GatewayExtensions gives both the problem+json shape of every error.
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpRoute route, HttpContext context, ServiceClient client, Authentication authentication, GatewayOptions options)
    {
        try
        {
            var caller = await authentication.AuthenticateAsync(route, context.Request).ConfigureAwait(false);
            var request = await RequestReader.ReadAsync(route, context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            Authentication.BindSessionToken(context.Request, request);
            // The player id travels in a header only the gateway sets; services never take it from a body.
            var call = new CallOptions { PlayerId = caller?.PlayerId };
            var response = await client.RequestAsync(route.Method, request, call, context.RequestAborted).ConfigureAwait(false);
            authentication.Forget(route, context.Request);
            return Results.Text(Formatter.Format(response), "application/json", statusCode: StatusCodes.Status200OK);
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

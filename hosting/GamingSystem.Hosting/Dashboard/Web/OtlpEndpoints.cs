using GamingSystem.Hosting.Dashboard.Otlp;
using GamingSystem.Hosting.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GamingSystem.Hosting.Dashboard.Web;

/// <summary>OTLP/HTTP with protobuf bodies: what the services' OpenTelemetry exporters send.</summary>
internal static class OtlpEndpoints
{
    private const string ProtobufContentType = "application/x-protobuf";

    public static void MapOtlp(this IEndpointRouteBuilder endpoints, TelemetryStore store)
    {
        endpoints.MapPost("/v1/traces", (HttpContext context, CancellationToken _) =>
            ReceiveAsync(context, ExportTraceServiceRequest.Parser, store.Add, new ExportTraceServiceResponse()));
        endpoints.MapPost("/v1/logs", (HttpContext context, CancellationToken _) =>
            ReceiveAsync(context, ExportLogsServiceRequest.Parser, store.Add, new ExportLogsServiceResponse()));
        endpoints.MapPost("/v1/metrics", (HttpContext context, CancellationToken _) =>
            ReceiveAsync(context, ExportMetricsServiceRequest.Parser, store.Add, new ExportMetricsServiceResponse()));
    }

    private static async Task<IResult> ReceiveAsync<TRequest>(HttpContext context, MessageParser<TRequest> parser, Action<TRequest> store, IMessage response)
        where TRequest : IMessage<TRequest>
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(
                detail: $"only OTLP/HTTP with {ProtobufContentType} bodies is accepted (set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        TRequest request;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            request = parser.ParseFrom(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Results.Problem(detail: $"not an OTLP export request: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        store(request);
        return Results.Bytes(response.ToByteArray(), ProtobufContentType);
    }
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GamingSystem.Hosting.Dashboard.Telemetry;
using GamingSystem.Hosting.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GamingSystem.Hosting.Dashboard.Web;

/// <summary>
/// The JSON the pages are drawn from, also for tests and scripts: resources and their commands, console
/// logs, and the telemetry under <c>/api/telemetry/</c>. Live views use server-sent events.
/// </summary>
internal static class DashboardApi
{
    public static void MapDashboardApi(
        this IEndpointRouteBuilder endpoints,
        ResourceNotificationService notifications,
        ResourceLoggerService logs,
        ResourceCommandService commands,
        TelemetryStore telemetry)
    {
        var api = endpoints.MapGroup("/api");

        api.MapGet("/resources", () => Results.Ok(Ordered(notifications.GetSnapshots())));
        api.MapGet("/resources/stream", (CancellationToken ct) =>
            TypedResults.ServerSentEvents(ResourceUpdatesAsync(notifications, ct), "resources"));
        api.MapPost("/resources/{name}/{command}", (string name, string command) =>
        {
            if (!notifications.GetSnapshots().Any(s => s.Name == name))
            {
                return Results.Problem(detail: $"no resource named '{name}'", statusCode: StatusCodes.Status404NotFound);
            }

            Func<string, CancellationToken, Task>? run = command switch
            {
                "stop" => commands.StopAsync,
                "start" => commands.StartAsync,
                "restart" => commands.RestartAsync,
                _ => null,
            };
            if (run is null)
            {
                return Results.Problem(detail: $"unknown command '{command}'; use stop, start or restart", statusCode: StatusCodes.Status400BadRequest);
            }

            // The command outlives the request; its progress shows in the resource stream.
            _ = run(name, CancellationToken.None);
            return Results.Accepted();
        });

        api.MapGet("/consolelogs", () => Results.Ok(logs.InstanceNames));
        api.MapGet("/consolelogs/{instance}", (string instance) =>
            logs.InstanceNames.Contains(instance) ? Results.Ok(logs.GetLogs(instance)) : UnknownInstance(instance));
        api.MapGet("/consolelogs/{instance}/stream", (string instance, CancellationToken ct) =>
            logs.InstanceNames.Contains(instance) ? TypedResults.ServerSentEvents(logs.WatchAsync(instance, ct), "line") : UnknownInstance(instance));

        var data = api.MapGroup("/telemetry");
        data.MapGet("/traces", (string? resource, string? text, int? limit) => Results.Ok(telemetry.GetTraces(resource, text, Math.Clamp(limit ?? 100, 1, 1000))));
        data.MapGet("/traces/{traceId}", (string traceId) =>
            telemetry.GetTrace(traceId) is { } trace ? Results.Ok(trace) : Results.Problem(detail: $"no trace {traceId}", statusCode: StatusCodes.Status404NotFound));
        data.MapGet("/logs", (string? resource, string? level, string? text, string? traceId, int? limit) =>
            Results.Ok(telemetry.GetLogs(resource, level, text, traceId, Math.Clamp(limit ?? 500, 1, 5000))));
        data.MapGet("/metrics", (string? resource, string? name) => Results.Ok(telemetry.GetMetrics(resource, name)));
        data.MapGet("/stream", (CancellationToken ct) => TypedResults.ServerSentEvents(TelemetryChangesAsync(telemetry, ct), "changed"));
    }

    private static IResult UnknownInstance(string instance) =>
        Results.Problem(detail: $"no resource instance named '{instance}'", statusCode: StatusCodes.Status404NotFound);

    private static IReadOnlyList<ResourceSnapshot> Ordered(IEnumerable<ResourceSnapshot> snapshots) =>
        [.. snapshots.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Every change sends the whole list: a handful of resources, and the page never drifts.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<ResourceSnapshot>> ResourceUpdatesAsync(
        ResourceNotificationService notifications, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Ordered(notifications.GetSnapshots());
        await foreach (var _ in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Ordered(notifications.GetSnapshots());
        }
    }

    private static async IAsyncEnumerable<string> TelemetryChangesAsync(TelemetryStore telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded and coalescing: a page needs to know that something changed, not every batch.
        var changes = Channel.CreateBounded<string>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest });
        void OnChanged(string kind) => changes.Writer.TryWrite(kind);
        telemetry.Changed += OnChanged;
        try
        {
            await foreach (var kind in changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return kind;
            }
        }
        finally
        {
            telemetry.Changed -= OnChanged;
        }
    }
}

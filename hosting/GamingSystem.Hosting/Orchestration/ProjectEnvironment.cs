using System.Globalization;
using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// The environment of a project child, with Aspire's names: the standard variables every
/// project gets, then whatever the model's references and WithEnvironment calls add (those win).
/// </summary>
internal static class ProjectEnvironment
{
    /// <summary>Services watch this pid and exit when the AppHost is gone.</summary>
    public const string AppHostProcessId = "GAMINGSYSTEM_APPHOST_PID";

    // Export at once in development so telemetry appears in the dashboard while you look.
    private const string ShortExportDelayMilliseconds = "1000";

    public static async Task<IReadOnlyList<EnvironmentValue>> BuildAsync(
        ResourceInstance instance, RunContext run, DistributedApplicationOptions options, CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(instance.Resource);
        var variables = context.EnvironmentVariables;
        var http = new EndpointReference((IResourceWithEndpoints)instance.Resource, ProjectResource.HttpEndpointName, instance.ReplicaIndex);

        variables["DOTNET_ENVIRONMENT"] = ReferenceExpression.Literal("Development");
        variables["ASPNETCORE_ENVIRONMENT"] = ReferenceExpression.Literal("Development");
        variables["ASPNETCORE_URLS"] = http;
        variables["OTEL_SERVICE_NAME"] = ReferenceExpression.Literal(instance.Resource.Name);
        variables["OTEL_RESOURCE_ATTRIBUTES"] = ReferenceExpression.Literal($"service.instance.id={instance.ServiceInstanceId}");
        variables[AppHostProcessId] = ReferenceExpression.Literal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (options.OtlpEndpoint is { Length: > 0 } otlpEndpoint)
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = ReferenceExpression.Literal(otlpEndpoint);
            variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = ReferenceExpression.Literal("http/protobuf");
            variables["OTEL_BSP_SCHEDULE_DELAY"] = ReferenceExpression.Literal(ShortExportDelayMilliseconds);
            variables["OTEL_BLRP_SCHEDULE_DELAY"] = ReferenceExpression.Literal(ShortExportDelayMilliseconds);
            variables["OTEL_METRIC_EXPORT_INTERVAL"] = ReferenceExpression.Literal(ShortExportDelayMilliseconds);
            if (options.OtlpHeaders is { Length: > 0 } headers)
            {
                variables["OTEL_EXPORTER_OTLP_HEADERS"] = new RunSecret("otlp-headers", headers);
            }
        }

        foreach (var annotation in instance.Resource.GetAnnotations<EnvironmentCallbackAnnotation>())
        {
            annotation.Callback(context);
        }

        var resolved = new List<EnvironmentValue>(variables.Count);
        foreach (var (name, value) in variables)
        {
            resolved.Add(new EnvironmentValue(name, await value.GetValueAsync(run, cancellationToken).ConfigureAwait(false), value.IsSecret));
        }

        return resolved;
    }
}

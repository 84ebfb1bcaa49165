namespace Aspire.Hosting.ApplicationModel;

/// <summary>Debian's Prometheus run as a process: it scrapes every service's <c>/metrics</c> and evaluates the alert rules.</summary>
public sealed class PrometheusResource(string name, string command, string workingDirectory, string rulesFile)
    : ExecutableResource(name, command, workingDirectory)
{
    internal const string HttpEndpointName = "http";

    private EndpointReference? _httpEndpoint;

    /// <summary>The web UI and the HTTP API (<c>/api/v1/query</c>, <c>/api/v1/alerts</c>).</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);

    /// <summary>The alert rules, a Prometheus rules file (deploy/prometheus/alerts.yml).</summary>
    public string RulesFile { get; } = rulesFile;

    /// <summary>How often targets are scraped and rules evaluated.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}

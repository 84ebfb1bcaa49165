namespace GamingSystem.Hosting;

/// <summary>Options for one run of the application model.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Command-line arguments, read into the builder's configuration.</summary>
    public string[] Args { get; init; } = [];

    /// <summary>
    /// Ignore fixed ports (such as the gateway's 8000) and give every endpoint a free port, so
    /// parallel test runs and a running AppHost never clash.
    /// </summary>
    public bool RandomizePorts { get; set; }

    /// <summary>Copy each child's stdout/stderr to the AppHost console, prefixed with its instance name.</summary>
    public bool ForwardConsoleLogs { get; set; } = true;

    /// <summary>
    /// OTLP/HTTP endpoint the children export telemetry to; the dashboard sets it to itself.
    /// Null means no OTLP variables are injected.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Headers for the OTLP export (<c>key=value,...</c>), e.g. the dashboard's API key; passed as a secret.</summary>
    public string? OtlpHeaders { get; set; }

    /// <summary>Serve the dashboard (http://localhost:18888, or a free port with <see cref="RandomizePorts"/>).</summary>
    public bool EnableDashboard { get; set; } = true;

    /// <summary>Open the dashboard in a browser at start (never when <c>CI</c> is set).</summary>
    public bool OpenBrowser { get; set; } = true;

    /// <summary>
    /// Where NATS JetStream and Redis keep their data. Null means a per-run temporary folder that
    /// is deleted when the AppHost stops; set it to keep data between runs.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>How long a child gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(5);
}

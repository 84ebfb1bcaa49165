using System.Net;
using System.Net.Sockets;
using GamingSystem.Hosting.Dashboard.Telemetry;
using GamingSystem.Hosting.Dashboard.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Hosting.Dashboard;

/// <summary>Adds the dashboard to an application being built, and points the children's OTLP export at it.</summary>
internal static class DashboardSetup
{
    public static DashboardSettings? Configure(IServiceCollection services, IConfiguration configuration, DistributedApplicationOptions options)
    {
        var dashboard = configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
        if (!options.EnableDashboard || !dashboard.Enabled)
        {
            return null;
        }

        var port = options.RandomizePorts ? FreePort() : dashboard.Port;
        var settings = new DashboardSettings(
            port,
            new DashboardInfo(new Uri($"http://localhost:{port}"), DashboardAuth.NewSecret()),
            DashboardAuth.NewSecret(),
            dashboard.OpenBrowser && options.OpenBrowser && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));

        // Exporters append /v1/traces, /v1/logs and /v1/metrics to this.
        options.OtlpEndpoint = $"http://127.0.0.1:{port}";
        options.OtlpHeaders = $"{DashboardAuth.OtlpApiKeyHeader}={settings.OtlpApiKey}";

        services.AddSingleton(settings);
        services.AddSingleton(settings.Info);
        services.AddSingleton<TelemetryStore>();
        services.AddHostedService<DashboardServer>();
        return settings;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

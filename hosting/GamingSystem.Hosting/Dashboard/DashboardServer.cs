using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using GamingSystem.Hosting.Dashboard.Telemetry;
using GamingSystem.Hosting.Dashboard.Web;
using GamingSystem.Hosting.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Hosting.Dashboard;

/// <summary>
/// The AppHost's own dashboard (Aspire's is not available here): a small web server in the AppHost process
/// that shows the resources and their console logs, and receives the services' OTLP telemetry.
/// It starts before the orchestrator, so the first child already has somewhere to export to.
/// </summary>
internal sealed partial class DashboardServer(
    DashboardSettings settings,
    TelemetryStore telemetry,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    ResourceCommandService commands,
    IHostEnvironment environment,
    ILogger<DashboardServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.Port));
        builder.Logging.ClearProviders();
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        new DashboardAuth(settings.Info.Token, settings.OtlpApiKey).Use(app);
        app.MapOtlp(telemetry);
        app.MapDashboardApi(notifications, logs, commands, telemetry);
        app.MapDashboardPages(environment.ApplicationName);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DistributedApplicationException(
                $"The dashboard cannot listen on port {settings.Port} ({ex.Message}); choose another with --Dashboard:Port <port>.", ex);
        }

        _app = app;
        LogDashboard(settings.Info.LoginUrl);
        if (settings.OpenBrowser)
        {
            OpenBrowser(settings.Info.LoginUrl);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OpenBrowser(Uri url)
    {
        try
        {
            using var _ = Process.Start(new ProcessStartInfo(url.ToString()) { UseShellExecute = true });
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // No desktop (a server, SSH): the link above is enough.
            LogNoBrowser(ex.Message);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Dashboard: {LoginUrl}")]
    private partial void LogDashboard(Uri loginUrl);

    [LoggerMessage(EventId = 301, Level = LogLevel.Debug, Message = "Could not open a browser: {Reason}")]
    private partial void LogNoBrowser(string reason);
}

/// <summary>What the builder decided for this run: port, tokens, whether to open a browser.</summary>
internal sealed record DashboardSettings(int Port, DashboardInfo Info, string OtlpApiKey, bool OpenBrowser);

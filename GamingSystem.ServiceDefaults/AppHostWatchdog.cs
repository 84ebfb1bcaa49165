using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GamingSystem.ServiceDefaults;

/// <summary>
/// Stops this process when the AppHost that started it is gone. The AppHost also asks the kernel to kill its
/// children (pdeathsig); this is the second line, so no service is ever left running on its own.
/// </summary>
internal sealed partial class AppHostWatchdog(
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<AppHostWatchdog> logger) : BackgroundService
{
    public const string ParentPidVariable = "GAMINGSYSTEM_APPHOST_PID";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[ParentPidVariable], out var pid))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!IsAlive(pid))
            {
                LogAppHostGone(pid);
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The AppHost (pid {Pid}) is gone; stopping")]
    private partial void LogAppHostGone(int pid);
}

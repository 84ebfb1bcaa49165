using GamingSystem.Hosting.Lifecycle;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Tells the developer, in a few lines, what came up and where: each resource's URLs once it
/// is healthy, then one line when the whole system is.
/// </summary>
internal sealed partial class StartupSummary(
    ResourceNotificationService notifications, TimeProvider timeProvider, ILogger<StartupSummary> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = timeProvider.GetTimestamp();
        var names = notifications.GetSnapshots().Select(s => s.Name).ToList();
        var failed = false;
        await Task.WhenAll(names.Select(async name =>
        {
            try
            {
                var snapshot = await notifications.WaitForResourceHealthyAsync(name, stoppingToken).ConfigureAwait(false);
                var urls = snapshot.Instances.SelectMany(i => i.Endpoints).Select(e => e.Url).Distinct();
                LogHealthy(logger, name, string.Join(", ", urls));
            }
            catch (DistributedApplicationException ex)
            {
                failed = true;
                LogFailed(logger, ex.Message);
            }
        })).ConfigureAwait(false);

        if (!failed)
        {
            LogAllHealthy(logger, names.Count, timeProvider.GetElapsedTime(started).TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Resource} is healthy: {Urls}")]
    private static partial void LogHealthy(ILogger logger, string resource, string urls);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "All {Count} resources are healthy after {Seconds:0.0} s. Press Ctrl+C to stop them all.")]
    private static partial void LogAllHealthy(ILogger logger, int count, double seconds);
}

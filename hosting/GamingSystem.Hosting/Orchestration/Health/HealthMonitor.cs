namespace GamingSystem.Hosting.Orchestration.Health;

/// <summary>
/// Probes an instance for as long as its process runs: often until it first answers, so
/// dependents start promptly, then every 2 s so the state shows when it stops answering.
/// </summary>
internal static class HealthMonitor
{
    private static readonly TimeSpan s_startupInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_runningInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(IHealthProbe probe, Action<bool> report, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var everHealthy = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var healthy = await ProbeOnceAsync(probe, timeProvider, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            report(healthy);
            everHealthy |= healthy;
            try
            {
                await Task.Delay(everHealthy ? s_runningInterval : s_startupInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> ProbeOnceAsync(IHealthProbe probe, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(s_probeTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await probe.CheckAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            // Refused, reset or too slow: all mean "not serving right now".
            return false;
        }
    }
}

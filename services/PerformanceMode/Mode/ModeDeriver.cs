using System.Globalization;
using GamingSystem.Contracts.PerformanceMode.V1;

namespace GamingSystem.PerformanceMode.Mode;

/// <summary>The server mode the services' loads call for (thresholds in <see cref="ModeOptions"/>), with the reason in words.</summary>
public static class ModeDeriver
{
    public static (ServerMode Mode, string Reason) Derive(IReadOnlyList<ServiceLoad> loads, ModeOptions options)
    {
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(options);
        if (loads.Count == 0)
        {
            return (ServerMode.Normal, "no service stats sampled yet");
        }

        var failing = new List<string>();
        var strained = new List<string>();
        foreach (var load in loads)
        {
            if (Judge(load, options) is { } verdict)
            {
                (verdict.Failing ? failing : strained).Add($"{load.Service} {verdict.Why}");
            }
        }

        if (failing.Count >= options.SurvivalServices)
        {
            return (ServerMode.Survival, $"{failing.Count} services failing: {string.Join("; ", failing)}");
        }

        if (failing.Count + strained.Count > 0)
        {
            return (ServerMode.Degraded, string.Join("; ", failing.Concat(strained)));
        }

        return (ServerMode.Normal, $"{loads.Count} services within limits");
    }

    /// <summary>Null when the service is healthy; else whether it is failing (not only strained) and why.</summary>
    public static (bool Failing, string Why)? Judge(ServiceLoad load, ModeOptions options)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(options);
        if (load.UnresponsiveInstances > 0)
        {
            var why = $"{(load.Instances == 0 ? "not answering" : $"{load.UnresponsiveInstances} of {load.Instances + load.UnresponsiveInstances} instances not answering")} for {Ms(load.AverageLatencyMs)}";
            return (load.Instances == 0, why);
        }

        var rate = load.Requests >= options.MinRequestsForErrorRate ? (double)load.ServerErrors / load.Requests : 0;
        if (load.AverageLatencyMs >= options.SurvivalLatencyMs || rate >= options.SurvivalServerErrorRate)
        {
            return (true, Figures(load, rate));
        }

        if (load.AverageLatencyMs >= options.DegradedLatencyMs || rate >= options.DegradedServerErrorRate)
        {
            return (false, Figures(load, rate));
        }

        return null;
    }

    private static string Figures(ServiceLoad load, double rate) =>
        $"averages {Ms(load.AverageLatencyMs)} with {(rate * 100).ToString("0.#", CultureInfo.InvariantCulture)}% server errors over {load.Requests} requests";

    private static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture) + " ms";
}

using System.Globalization;
using GamingSystem.Chaos.Checks;
using GamingSystem.Chaos.Faults;
using GamingSystem.Chaos.Load;

namespace GamingSystem.Chaos.Reporting;

/// <summary>The chaos run's report: one row per kill, the alerts, the load and the checks.</summary>
internal static class ChaosReport
{
    public static string Write(ChaosOptions options, LoadRun load, IReadOnlyList<Kill> kills, IReadOnlyList<AlertSpan> alerts, IReadOnlyList<Check> checks, DateTimeOffset loadEnded)
    {
        var start = load.StartedAt;
        var outcomes = load.Recorder.All;
        var inFault = outcomes.Where(o => kills.Any(k => o.At >= k.KilledAt && o.At < k.FaultEnd)).ToList();
        var document = new Markdown().Heading(1, $"Chaos run {start:yyyy-MM-dd HH:mm} UTC ({(options.Cluster ? "cluster" : "single node")})");
        document.Paragraph(
            $"Load for {(loadEnded - start).TotalMinutes:0.0} min, {kills.Count} kills (SIGKILL, one at a time). {outcomes.Count} requests, " +
            $"{outcomes.Count(o => o.Failed)} failed: {inFault.Count(o => o.Failed)} during the faults (kill until the target answered again), " +
            $"{outcomes.Count(o => o.Failed) - inFault.Count(o => o.Failed)} outside them. p99 {Markdown.Ms(Recorder.Percentile(outcomes, 0.99))} overall, " +
            $"{Markdown.Ms(Recorder.Percentile(outcomes.Except(inFault), 0.99))} outside the faults. " +
            $"Result: **{(checks.All(c => c.Passed) ? "PASS" : "FAIL")}**.");

        document.Heading(2, "Kills").Table(
            ["Target", "Killed at", "Restarted after", "Answered after", "Failed requests", "p99 during the fault", "Alerts (fired / resolved, from the kill)"],
            kills.Select((kill, i) =>
            {
                var window = load.Recorder.Between(kill.KilledAt, kill.FaultEnd);
                var next = i + 1 < kills.Count ? kills[i + 1].KilledAt : DateTimeOffset.MaxValue;
                var raised = alerts.Where(a => a.FiredAt >= kill.KilledAt && a.FiredAt < next)
                    .Select(a => $"{a.Name} {a.Service} +{(a.FiredAt - kill.KilledAt).TotalSeconds:0} s / {(a.ResolvedAt is { } r ? $"+{(r - kill.KilledAt).TotalSeconds:0} s" : "never")}");
                var target = kill.Target + (kill.RunningWorkflows > 0 ? $" ({kill.RunningWorkflows} workflows running)" : "");
                return (IReadOnlyList<string>)[target, Markdown.Offset(kill.KilledAt, start), Markdown.Seconds(kill.RestartedAfter), Markdown.Seconds(kill.RecoveredAfter),
                    $"{window.Count(o => o.Failed)} of {window.Count}", Markdown.Ms(Recorder.Percentile(window, 0.99)), string.Join("; ", raised) is { Length: > 0 } text ? text : "none"];
            }));
        document.Paragraph(
            "*Restarted after*: until the AppHost had started the process again and it was healthy. *Answered after*: until the target's own probe " +
            "(a gateway call only it can answer) succeeded again. Failed requests and p99 are the load's, from the kill until then.");

        if (alerts.Count > 0)
        {
            document.Heading(2, "Alerts").Table(
                ["Alert", "Service", "Fired at", "Resolved at"],
                alerts.OrderBy(a => a.FiredAt).Select(a => (IReadOnlyList<string>)[a.Name, a.Service, Markdown.Offset(a.FiredAt, start), a.ResolvedAt is { } r ? Markdown.Offset(r, start) : "still firing"]));
        }

        return Report.Common(document, load, checks)
            .Paragraph($"Command: `dotnet run --project bench/GamingSystem.Chaos -c Release -- {string.Join(' ', CommandLine(options))}`")
            .ToString();
    }

    private static IEnumerable<string> CommandLine(ChaosOptions options)
    {
        if (options.Cluster)
        {
            yield return "--cluster";
        }

        if (options.Kills is { } kills)
        {
            yield return $"--kills {string.Join(',', kills)}";
        }

        yield return $"--workers {options.Workers.ToString(CultureInfo.InvariantCulture)}";
    }
}

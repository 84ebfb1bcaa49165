using GamingSystem.Chaos.Checks;
using GamingSystem.Chaos.Faults;
using GamingSystem.Chaos.Load;
using GamingSystem.Chaos.Reporting;

namespace GamingSystem.Chaos;

/// <summary>The chaos run: a baseline, every kill in turn under the load, then the invariants and the alerts.</summary>
internal static class ChaosMode
{
    /// <summary>Steady load before the first kill and after the last, so a fault's figures have something to compare with.</summary>
    private static readonly TimeSpan Calm = TimeSpan.FromSeconds(10);

    /// <summary>HighErrorRate and GatewayErrorRate look at one minute of traffic, then hold for 15 s.</summary>
    private static readonly TimeSpan AlertsResolveWithin = TimeSpan.FromMinutes(2);

    public static async Task<Report> RunAsync(BootedSystem system, LoadRun load, ChaosOptions options, CancellationToken cancellationToken)
    {
        var targets = KillSchedule.Targets(system, options.Kills, options.Cluster);
        var time = load.Recorder.Time;
        await using var alerts = system.PrometheusAddress is { } prometheus ? new AlertWatcher(prometheus, time) : null;
        alerts?.Start();
        var probeClient = system.CreateGatewayClient();
        var probes = new Probes(new GatewayClient(probeClient, new Recorder(time)), load.FeedHttp, load.Players[0], load.ProbeKey, load.Acknowledged.Workflows.First().Id);

        Console.WriteLine($"Baseline ({Calm.TotalSeconds:0} s), then {targets.Count} kills ...");
        await Task.Delay(Calm, time, cancellationToken);
        var kills = await new KillSchedule(load, probes).RunAsync(targets, cancellationToken);
        await Task.Delay(Calm, time, cancellationToken);
        var loadEnded = time.GetUtcNow();
        await load.StopLoadAsync();

        Console.WriteLine($"Verifying ({load.Acknowledged.Pending.Count} idempotent calls left unanswered by the load) ...");
        var checks = new List<Check>(await new Invariants(load).VerifyAsync(cancellationToken));
        await load.StopFeedsAsync();
        checks.AddRange(KillChecks(load, kills, options.Cluster));
        if (alerts is not null)
        {
            var resolved = await alerts.WaitAllResolvedAsync(AlertsResolveWithin, cancellationToken);
            var fired = alerts.Spans.Where(a => kills.Count > 0 && a.FiredAt >= kills[0].KilledAt).ToList();
            checks.Add(new Check(
                "The faults fire alerts, and every alert resolves",
                fired.Count > 0 && resolved,
                $"{fired.Count} alerts fired during the kills ({alerts.Spans.Count} in the run), {alerts.Spans.Count(a => a.ResolvedAt is null)} still firing " +
                $"{AlertsResolveWithin.TotalMinutes:0} min after the load; {alerts.Polls} polls of Prometheus, {alerts.FailedPolls} failed"));
        }

        probeClient.Dispose();
        var passed = checks.All(c => c.Passed);
        return new Report(ChaosReport.Write(options, load, kills, alerts?.Spans ?? [], checks, loadEnded), passed);
    }

    /// <summary>Stalled: the load's p99 from the kill until the target answered was above this.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

    private static bool Visible(IReadOnlyList<Outcome> window) => window.Any(o => o.Failed) || Recorder.Percentile(window, 0.99) > Stall;

    private static IEnumerable<Check> KillChecks(LoadRun load, IReadOnlyList<Kill> kills, bool cluster)
    {
        // A kill nobody noticed means the probe or the kill is wrong, not that the system is perfect. Some faults are
        // masked by waiting rather than failing (clients of a restarting Redis wait for it): a stall counts as seen.
        // A cluster node's kill is meant to go unnoticed (clients fail over), and no probe singles out one node:
        // there, the AppHost's restart of the node is the proof that the kill happened.
        var unseen = kills.Where(k => !(cluster && BootedSystem.IsServer(k.Target)))
            .Where(k => k.FailedProbes == 0 && !Visible(load.Recorder.Between(k.KilledAt, k.FaultEnd))).ToList();
        var unrecovered = kills.Where(k => k.RecoveredAfter is null || k.RestartedAfter is null).ToList();
        yield return new Check(
            "Every killed process was restarted and answers again",
            kills.Count > 0 && unseen.Count == 0 && unrecovered.Count == 0,
            $"{kills.Count} kills, {unrecovered.Count} not recovered within {KillSchedule.RecoveryDeadline.TotalSeconds:0} s, {unseen.Count} not seen failing or stalling by probe or load",
            [.. unrecovered.Select(k => $"{k.Target}: restarted after {Markdown.Seconds(k.RestartedAfter)}, answered after {Markdown.Seconds(k.RecoveredAfter)}"),
             .. unseen.Select(k => $"{k.Target}: neither the probe nor the load failed or stalled after the kill")]);
        if (kills.FirstOrDefault(k => k.Target == ResourceNames.Orchestration) is { } orchestration)
        {
            yield return new Check(
                "orchestration was killed mid-workflow",
                orchestration.RunningWorkflows > 0,
                $"{orchestration.RunningWorkflows} workflows RUNNING when it was killed");
        }
    }
}

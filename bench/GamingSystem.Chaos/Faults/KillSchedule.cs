using System.Diagnostics;
using GamingSystem.Chaos.Load;

namespace GamingSystem.Chaos.Faults;

/// <summary>One SIGKILL: what was killed, when, and how long until the AppHost restarted it and its probe answered.</summary>
internal sealed record Kill(string Target, int Pid, DateTimeOffset KilledAt, TimeSpan? RestartedAfter, TimeSpan? RecoveredAfter, int FailedProbes, int RunningWorkflows)
{
    /// <summary>From the kill until the probe answered again (or the deadline, when it never did).</summary>
    public DateTimeOffset FaultEnd => KilledAt + (RecoveredAfter ?? KillSchedule.RecoveryDeadline);
}

/// <summary>
/// Kills every process in turn, one at a time: each service's single instance, then the NATS node and the Redis
/// node (the first of each cluster). Each fault lasts until the target answers again and the load has been quiet
/// for a moment, so the next fault starts from a healthy system and its failures are its own.
/// </summary>
internal sealed class KillSchedule(LoadRun load, Probes probes)
{
    public static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(90);

    /// <summary>The load must see no failure for this long before the next kill (bounded by <see cref="QuietDeadline"/>).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan QuietDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Workflows started just before orchestration is killed, so that it dies mid-workflow.</summary>
    private const int WorkflowsAtTheKill = 3;

    private TimeProvider Time => load.Recorder.Time;

    /// <summary>The services in the AppHost's order, then NATS, then Redis; or the ones named on the command line.</summary>
    public static IReadOnlyList<string> Targets(BootedSystem system, IReadOnlyList<string>? chosen, bool cluster)
    {
        if (cluster && !system.Has($"{ResourceNames.Nats}-2"))
        {
            throw new InvalidOperationException($"--cluster: the AppHost started no {ResourceNames.Nats}-2 node (has it a --Cluster option yet?)");
        }

        string[] all = [.. system.Services, ResourceNames.Nats, ResourceNames.Redis];
        var unknown = (chosen ?? []).Except(all).ToList();
        var unprobed = all.Where(t => !Probes.Knows(t)).ToList();
        if (unknown.Count > 0 || unprobed.Count > 0)
        {
            throw new ArgumentException($"unknown targets: {string.Join(", ", unknown)}; no probe for: {string.Join(", ", unprobed)}");
        }

        return chosen is null ? all : [.. all.Where(chosen.Contains)];
    }

    public async Task<IReadOnlyList<Kill>> RunAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        var kills = new List<Kill>();
        foreach (var target in targets)
        {
            var kill = await KillAsync(target, cancellationToken);
            kills.Add(kill);
            Console.WriteLine($"  {target}: killed pid {kill.Pid}, restarted after {Seconds(kill.RestartedAfter)}, answered after {Seconds(kill.RecoveredAfter)}, {kill.FailedProbes} failed probes");
        }

        return kills;
    }

    private async Task<Kill> KillAsync(string target, CancellationToken cancellationToken)
    {
        var system = load.System;
        var newcomers = target == ResourceNames.Orchestration
            ? await Task.WhenAll(Enumerable.Range(0, WorkflowsAtTheKill).Select(_ => load.Gateway.NewPlayerAsync("chaos-midflight", cancellationToken)))
            : [];
        await WaitQuietAsync(cancellationToken);

        var restartsBefore = system.Restarts(target);
        using var victim = Process.GetProcessById(system.ProcessOf(target));
        var running = 0;
        if (newcomers.Length > 0)
        {
            var starts = await Task.WhenAll(newcomers.Select(player => load.Workflows.StartAsync(player, "killed mid-workflow", cancellationToken)));
            running = starts.Count(s => s.Status == "RUNNING");
        }

        var killedAt = Time.GetUtcNow();
        victim.Kill();
        await victim.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RecoveryDeadline);
        var restarted = RestartedAfterAsync(target, restartsBefore, killedAt, deadline.Token);
        var (recovered, failedProbes) = await RecoveredAfterAsync(target, killedAt, deadline.Token);
        return new Kill(target, victim.Id, killedAt, await restarted, recovered, failedProbes, running);
    }

    private async Task<TimeSpan?> RestartedAfterAsync(string target, int restartsBefore, DateTimeOffset killedAt, CancellationToken deadline)
    {
        try
        {
            await load.System.WaitRestartedAsync(target, restartsBefore, deadline);
            return Time.GetUtcNow() - killedAt;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Probes five times a second until the target answers: the time from the kill, and the probes that failed.</summary>
    private async Task<(TimeSpan? After, int FailedProbes)> RecoveredAfterAsync(string target, DateTimeOffset killedAt, CancellationToken deadline)
    {
        var failed = 0;
        try
        {
            while (!await probes.AnsweredAsync(target, deadline))
            {
                failed++;
                await Task.Delay(TimeSpan.FromMilliseconds(200), Time, deadline);
            }

            return (Time.GetUtcNow() - killedAt, failed);
        }
        catch (OperationCanceledException)
        {
            return (null, failed);
        }
    }

    private async Task WaitQuietAsync(CancellationToken cancellationToken)
    {
        var deadline = Time.GetUtcNow() + QuietDeadline;
        await Task.Delay(Quiet, Time, cancellationToken);
        while (!load.Recorder.QuietFor(Quiet) && Time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), Time, cancellationToken);
        }
    }

    private static string Seconds(TimeSpan? span) => span is { } s ? $"{s.TotalSeconds:0.0} s" : "never";
}

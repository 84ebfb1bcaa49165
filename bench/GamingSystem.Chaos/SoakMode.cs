using GamingSystem.Chaos.Checks;
using GamingSystem.Chaos.Load;
using GamingSystem.Chaos.Reporting;
using GamingSystem.Chaos.Soak;

namespace GamingSystem.Chaos;

/// <summary>The soak: steady load for a number of minutes and no faults; memory flat, no error, the invariants hold.</summary>
internal static class SoakMode
{
    /// <summary>Resident memory may move this much between the baseline minute and the last (issue #14: 15%).</summary>
    public const double Flat = 0.15;

    public static async Task<Report> RunAsync(BootedSystem system, LoadRun load, int minutes, CancellationToken cancellationToken)
    {
        var time = load.Recorder.Time;
        var sampler = new MemorySampler(system);
        sampler.Sample(0);
        for (var minute = 1; minute <= minutes; minute++)
        {
            await Task.Delay(load.StartedAt + TimeSpan.FromMinutes(minute) - time.GetUtcNow(), time, cancellationToken);
            sampler.Sample(minute);
            var failed = load.Recorder.All.Count(o => o.Failed);
            Console.WriteLine($"  minute {minute}/{minutes}: {load.Recorder.All.Count} requests, {failed} failed");
        }

        var loadEnded = time.GetUtcNow();
        await load.StopLoadAsync();
        Console.WriteLine($"Verifying ({load.Acknowledged.Pending.Count} idempotent calls left unanswered by the load) ...");
        var checks = new List<Check>(await new Invariants(load).VerifyAsync(cancellationToken));
        await load.StopFeedsAsync();

        var failures = load.Recorder.All.Where(o => o.Failed).ToList();
        checks.Add(new Check("No error during the soak", failures.Count == 0, $"{failures.Count} of {load.Recorder.All.Count} requests failed"));
        var grown = sampler.Processes.Where(p => Math.Abs(sampler.Change(p, minutes)) > Flat).ToList();
        var restarted = sampler.Processes.Where(sampler.Restarted).ToList();
        checks.Add(new Check(
            $"Resident memory flat (within {Flat:P0} from minute {MemorySampler.BaselineMinute(minutes)} to minute {minutes}) and no process restarted",
            grown.Count == 0 && restarted.Count == 0,
            $"{sampler.Processes.Count} processes; {grown.Count} moved more than {Flat:P0}; {restarted.Count} restarted",
            [.. grown.Select(p => $"{p}: {sampler.Change(p, minutes):+0.0%;-0.0%}"), .. restarted.Select(p => $"{p} restarted")]));

        var passed = checks.All(c => c.Passed);
        return new Report(SoakReport.Write(load, sampler, minutes, checks, loadEnded), passed);
    }
}

using GamingSystem.Chaos.Checks;
using GamingSystem.Chaos.Load;
using GamingSystem.Chaos.Soak;

namespace GamingSystem.Chaos.Reporting;

/// <summary>The soak's report: resident memory of every process each minute, the load and the checks.</summary>
internal static class SoakReport
{
    public static string Write(LoadRun load, MemorySampler sampler, int minutes, IReadOnlyList<Check> checks, DateTimeOffset loadEnded)
    {
        var outcomes = load.Recorder.All;
        var document = new Markdown().Heading(1, $"Soak {load.StartedAt:yyyy-MM-dd HH:mm} UTC, {minutes} min");
        document.Paragraph(
            $"Steady load for {(loadEnded - load.StartedAt).TotalMinutes:0.0} min, no faults: {outcomes.Count} requests, {outcomes.Count(o => o.Failed)} failed, " +
            $"p99 {Markdown.Ms(Recorder.Percentile(outcomes, 0.99))}. Result: **{(checks.All(c => c.Passed) ? "PASS" : "FAIL")}**.");
        var baseline = MemorySampler.BaselineMinute(minutes);
        document.Heading(2, "Resident memory (MiB, VmRSS)").Table(
            ["Process", .. sampler.Readings.Keys.Select(m => $"min {m}"), $"Change {baseline} -> {minutes}"],
            sampler.Processes.Select(p => (IReadOnlyList<string>)[p, .. sampler.Readings.Values.Select(r => Markdown.MiB(r[p].ResidentBytes)), $"{sampler.Change(p, minutes):+0.0%;-0.0%}"]));
        return Report.Common(document, load, checks)
            .Paragraph($"Command: `dotnet run --project bench/GamingSystem.Chaos -c Release -- --soak {minutes} --workers {load.Players.Count}`")
            .ToString();
    }
}

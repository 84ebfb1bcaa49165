using GamingSystem.Chaos.Checks;
using GamingSystem.Chaos.Load;

namespace GamingSystem.Chaos.Reporting;

/// <summary>The run's report: the markdown printed and written to --report, and whether every check passed.</summary>
internal sealed record Report(string Text, bool Passed)
{
    /// <summary>The parts every report has: the load's figures and the checks' table with their violations.</summary>
    public static Markdown Common(Markdown document, LoadRun load, IReadOnlyList<Check> checks)
    {
        var outcomes = load.Recorder.All;
        document.Heading(2, "Load").Paragraph(
            $"{load.Players.Count} workers through the gateway (one player each, a request every {Markdown.Ms(LoadMix.Pacing)} or so), " +
            $"a new player onboarded every {Workflows.Interval.TotalSeconds:0} s.");
        document.Table(
            ["Operation", "Requests", "Failed", "p50", "p99", "Max"],
            outcomes.GroupBy(o => o.Operation).OrderBy(g => g.Key, StringComparer.Ordinal).Append(outcomes.GroupBy(_ => "**all**").First())
                .Select(g => (IReadOnlyList<string>)[g.Key, $"{g.Count()}", $"{g.Count(o => o.Failed)}",
                    Markdown.Ms(Recorder.Percentile(g, 0.50)), Markdown.Ms(Recorder.Percentile(g, 0.99)), Markdown.Ms(g.Max(o => o.Latency))]));
        document.Heading(2, "Checks").Table(
            ["Check", "Result", "Counts"],
            checks.Select(c => (IReadOnlyList<string>)[c.Name, c.Passed ? "PASS" : "**FAIL**", c.Counts]));
        foreach (var check in checks.Where(c => c.Violations is { Count: > 0 }))
        {
            document.Line($"{check.Name}: {check.Violations!.Count} violations" + (check.Violations.Count > Check.Shown ? $" (first {Check.Shown})" : ""));
            foreach (var violation in check.Violations.Take(Check.Shown))
            {
                document.Line($"- {violation}");
            }

            document.Line();
        }

        var errors = outcomes.Where(o => o.Failed).GroupBy(o => $"{o.Operation}: {o.Status} {o.Error}").OrderByDescending(g => g.Count()).Take(8).ToList();
        if (errors.Count > 0)
        {
            document.Heading(3, "Most frequent failures").Table(["Failure", "Count"], errors.Select(g => (IReadOnlyList<string>)[g.Key, $"{g.Count()}"]));
        }

        return document;
    }
}

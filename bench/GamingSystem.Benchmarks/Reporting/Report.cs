using System.Globalization;
using System.Text;
using GamingSystem.Benchmarks.Load;

namespace GamingSystem.Benchmarks.Reporting;

/// <summary>The run's results as a console table or as Markdown, with the targets and their verdicts.</summary>
internal sealed class Report(IReadOnlyList<Measurement> results, IReadOnlyList<Target> targets)
{
    private static readonly string[] ResultHeader = ["Case", "Callers", "Requests", "Req/s", "p50 µs", "p99 µs", "CPU µs/req", "Errors", "Wait µs"];
    private static readonly string[] TargetHeader = ["Target", "Measured", "Verdict"];

    public bool AllTargetsMet => targets.All(t => t.Met);

    public string ToText() =>
        new StringBuilder()
            .AppendLine(Aligned(ResultHeader, ResultRows()))
            .Append(Method())
            .AppendLine(Aligned(TargetHeader, TargetRows()))
            .ToString();

    public string ToMarkdown() =>
        new StringBuilder()
            .AppendLine(Markdown(ResultHeader, ResultRows(), rightAlignFrom: 1))
            .Append(Method())
            .AppendLine(Markdown(TargetHeader, TargetRows(), rightAlignFrom: int.MaxValue))
            .ToString();

    private IEnumerable<string[]> ResultRows() =>
        results.Select(m => new[]
        {
            m.Case,
            m.Callers.ToString(Formatting.Culture),
            m.Requests.ToString("N0", Formatting.Culture),
            m.Throughput.ToString("N0", Formatting.Culture),
            m.P50Microseconds.ToString("N0", Formatting.Culture),
            m.P99Microseconds.ToString("N0", Formatting.Culture),
            m.CpuMicrosecondsPerRequest.ToString("N1", Formatting.Culture),
            m.Errors.ToString(Formatting.Culture),
            m.WaitMicroseconds?.ToString("N0", Formatting.Culture) ?? "-",
        });

    /// <summary>How the interleaved cases were measured, since their rows are sums of slices, not one block.</summary>
    private string Method()
    {
        var sliced = results.Where(m => m.Slices.Count > 0).ToList();
        if (sliced.Count == 0)
        {
            return string.Empty;
        }

        var names = string.Join(" and ", sliced.Select(m => m.Case).Distinct());
        var slices = sliced[0].Slices.Count;
        var seconds = sliced.Average(m => m.Elapsed.TotalSeconds / m.Slices.Count);
        return $"{names}: measured together, in {slices} alternating slices of about {seconds.ToString("0.00", Formatting.Culture)} s each " +
            "(A B, B A, A B, ...); each row sums its slices (requests, time, CPU) and merges their latency histograms." +
            Environment.NewLine + Environment.NewLine;
    }

    private IEnumerable<string[]> TargetRows() => targets.Select(t => new[] { t.Name, t.Describe(), t.Verdict });

    private static string Aligned(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            // The first column is a name (left-aligned); the rest are numbers (right-aligned).
            text.AppendLine(string.Join("  ", row.Select((cell, column) => column == 0 ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]))));
        }

        return text.ToString();
    }

    private static string Markdown(string[] header, IEnumerable<string[]> rows, int rightAlignFrom)
    {
        var text = new StringBuilder();
        text.AppendLine($"| {string.Join(" | ", header)} |");
        text.AppendLine($"|{string.Join("|", header.Select((_, column) => column >= rightAlignFrom ? "---:" : "---"))}|");
        foreach (var row in rows)
        {
            text.AppendLine($"| {string.Join(" | ", row)} |");
        }

        return text.ToString();
    }
}

internal static class Formatting
{
    /// <summary>Invariant numbers, so a report reads the same on every machine.</summary>
    public static CultureInfo Culture => CultureInfo.InvariantCulture;
}

using System.Globalization;
using System.Text;

namespace GamingSystem.Chaos.Reporting;

/// <summary>A markdown document built a section at a time.</summary>
internal sealed class Markdown
{
    private readonly StringBuilder _text = new();

    public Markdown Heading(int level, string text) => Line($"{new string('#', level)} {text}").Line();

    public Markdown Paragraph(string text) => Line(text).Line();

    public Markdown Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        Line($"| {string.Join(" | ", headers)} |");
        Line($"|{string.Concat(headers.Select(_ => " --- |"))}");
        foreach (var row in rows)
        {
            Line($"| {string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ")))} |");
        }

        return Line();
    }

    public Markdown Line(string text = "")
    {
        _text.Append(text).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    public static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "never";

    /// <summary>A moment as the offset from the start of the load: T+02:13.</summary>
    public static string Offset(DateTimeOffset at, DateTimeOffset start) => "T+" + (at - start).ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace GamingSystem.Chaos;

/// <summary>
/// The command line: <c>[--cluster] [--soak [minutes]] [--kills all|name,...] [--report path.md] [--workers n]</c>.
/// </summary>
internal sealed record ChaosOptions(bool Cluster, int? SoakMinutes, IReadOnlyList<string>? Kills, string? ReportPath, int Workers)
{
    public const int DefaultSoakMinutes = 10;

    public bool Soak => SoakMinutes is not null;

    /// <summary>The whole run stops by itself: the soak's minutes, or the kills' budget, plus boot and verification.</summary>
    public TimeSpan Deadline => TimeSpan.FromMinutes((SoakMinutes ?? 25) + 10);

    /// <summary>The AppHost's command line: Prometheus for the chaos run (its alerts are part of the report).</summary>
    public string[] AppHostArguments =>
        [.. Soak ? [] : new[] { "--Monitoring", "true" }, .. Cluster ? new[] { "--Cluster", "true" } : []];

    public static ChaosOptions Parse(string[] args)
    {
        int? soak = null;
        IReadOnlyList<string>? kills = null;
        string? report = null;
        var cluster = false;
        var workers = 8;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cluster":
                    cluster = true;
                    break;
                case "--soak":
                    soak = DefaultSoakMinutes;
                    if (i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var minutes))
                    {
                        soak = minutes;
                        i++;
                    }

                    break;
                case "--kills":
                    var list = Value(args, ++i, "--kills");
                    kills = list == "all" ? null : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--report":
                    report = Value(args, ++i, "--report");
                    break;
                case "--workers":
                    workers = int.Parse(Value(args, ++i, "--workers"), CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}; usage: [--cluster] [--soak [minutes]] [--kills all|name,...] [--report path.md] [--workers n]");
            }
        }

        if (soak is < 1 || workers < 2)
        {
            throw new ArgumentException("--soak needs at least 1 minute and --workers at least 2 (they pay each other)");
        }

        return new ChaosOptions(cluster, soak, kills, report, workers);
    }

    private static string Value(string[] args, int index, string option) =>
        index < args.Length ? args[index] : throw new ArgumentException($"{option} needs a value");
}

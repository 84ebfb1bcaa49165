using System.Globalization;

namespace GamingSystem.Benchmarks;

/// <summary>Command-line settings; every measurement is bounded by <see cref="Duration"/> so a run ends by itself.</summary>
internal sealed record BenchOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public int Callers { get; init; } = 64;

    /// <summary>
    /// Raw NATS.Net and the SDK are measured in this many alternating slices each, of <see cref="Duration"/> /
    /// slices, so the machine's drift during the run affects both alike.
    /// </summary>
    public int Slices { get; init; } = 6;

    public int PayloadBytes { get; init; } = 128;

    /// <summary>Chunks per stream in the raw NATS.Net vs SDK stream cases.</summary>
    public int StreamChunks { get; init; } = 1_000;

    public string? MarkdownPath { get; init; }

    /// <summary>Runs only the cases whose name contains this text, to look at one path closely.</summary>
    public string? Filter { get; init; }

    /// <summary>Also run the SDK-path breakdown (each layer of the SDK measured on its own).</summary>
    public bool Breakdown { get; init; } = true;

    /// <summary>Also run the durability cases: JetStream file vs memory storage, Redis append-only file settings.</summary>
    public bool Durability { get; init; } = true;

    public string NatsServerPath { get; init; } = "/usr/sbin/nats-server";

    public string RedisServerPath { get; init; } = "/usr/bin/redis-server";

    public const string Usage =
        """
        Usage: dotnet run -c Release --project bench/GamingSystem.Benchmarks -- [options]
          --seconds <n>      length of each measurement (default 5); raw NATS.Net and SDK get this much
                             each, in alternating slices
          --slices <n>       slices per side for raw NATS.Net vs SDK (default 6: 0.83 s each at 5 s)
          --warmup <n>       warm-up before each case, in seconds (default 2)
          --callers <n>      concurrent callers for the concurrent runs (default 64)
          --payload <bytes>  request and reply payload size (default 128); also each stream chunk's
          --stream-chunks <n> chunks per stream in the stream cases (default 1000)
          --markdown <file>  also write the results as Markdown to <file>
          --no-breakdown     skip the SDK-path breakdown cases
          --no-durability    skip the durability cases (JetStream storage, Redis append-only file)
          --filter <text>    run only the cases whose name contains <text> (targets need the full set)
          --nats-server <p>  nats-server binary (default /usr/sbin/nats-server)
          --redis-server <p> redis-server binary for the durability cases (default /usr/bin/redis-server)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Number(args, ++i)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number(args, ++i)) },
                "--slices" => options with { Slices = Math.Max(1, (int)Number(args, ++i)) },
                "--callers" => options with { Callers = (int)Number(args, ++i) },
                "--payload" => options with { PayloadBytes = (int)Number(args, ++i) },
                "--stream-chunks" => options with { StreamChunks = (int)Number(args, ++i) },
                "--markdown" => options with { MarkdownPath = Value(args, ++i) },
                "--no-breakdown" => options with { Breakdown = false },
                "--no-durability" => options with { Durability = false },
                "--filter" => options with { Filter = Value(args, ++i) },
                "--nats-server" => options with { NatsServerPath = Value(args, ++i) },
                "--redis-server" => options with { RedisServerPath = Value(args, ++i) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, int index) =>
        index < args.Count ? args[index] : throw new ArgumentException($"'{args[index - 1]}' needs a value.\n{Usage}");

    private static double Number(IReadOnlyList<string> args, int index)
    {
        var text = Value(args, index);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{args[index - 1]}' needs a positive number, not '{text}'.");
    }
}

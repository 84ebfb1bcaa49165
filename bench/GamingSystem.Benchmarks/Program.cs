using GamingSystem.Benchmarks;
using GamingSystem.Benchmarks.Reporting;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

await using var nats = await ServerProcess.StartNatsAsync(options.NatsServerPath, cancel.Token);
Console.WriteLine($"nats-server at {nats.NatsUrl}; {options.PayloadBytes}-byte payload, {options.Duration.TotalSeconds:0.#} s per measurement, {Environment.ProcessorCount} cores");

var results = await new BenchmarkSuite(options, nats.NatsUrl, Console.Out).RunAsync(cancel.Token);
var report = new Report(results, Target.Evaluate(results, options.Callers, options.StreamChunks));
Console.WriteLine();
Console.WriteLine(report.ToText());

if (options.MarkdownPath is { } path)
{
    await File.WriteAllTextAsync(path, report.ToMarkdown());
    Console.WriteLine($"Markdown written to {path}");
}

// A missed target is a finding to report, not a crash: the exit code says which it was.
return report.AllTargetsMet ? 0 : 1;

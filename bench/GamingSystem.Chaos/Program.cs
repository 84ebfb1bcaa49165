using GamingSystem.Chaos;
using GamingSystem.Chaos.Load;
using GamingSystem.Chaos.Reporting;

// Usage: dotnet run --project bench/GamingSystem.Chaos -c Release -- [--cluster] [--soak [minutes]] [--kills all|name,...] [--report path.md] [--workers n]
var options = ChaosOptions.Parse(args);
using var deadline = new CancellationTokenSource(options.Deadline);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; deadline.Cancel(); };

Console.WriteLine($"Booting the system ({string.Join(' ', options.AppHostArguments)}) ...");
await using var system = await BootedSystem.StartAsync(options.AppHostArguments);
await using var load = await LoadRun.StartAsync(system, options.Workers, deadline.Token);
Report report;
try
{
    report = options.Soak
        ? await SoakMode.RunAsync(system, load, options.SoakMinutes!.Value, deadline.Token)
        : await ChaosMode.RunAsync(system, load, options, deadline.Token);
}
catch (OperationCanceledException) when (deadline.IsCancellationRequested)
{
    Console.Error.WriteLine($"Stopped (Ctrl+C or the {options.Deadline.TotalMinutes:0} min deadline) before the report; shutting the system down.");
    return 2;
}

Console.WriteLine(report.Text);
if (options.ReportPath is not null)
{
    await File.WriteAllTextAsync(options.ReportPath, report.Text);
}

return report.Passed ? 0 : 1;

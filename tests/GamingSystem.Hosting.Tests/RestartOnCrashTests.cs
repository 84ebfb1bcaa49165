using System.Text.RegularExpressions;

namespace GamingSystem.Hosting.Tests;

/// <summary>Crash restarts through Aspire's own orchestrator (DCP), with a process that fails on purpose.</summary>
public sealed partial class RestartOnCrashTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_crashing_process_is_restarted_with_a_delay_that_grows_with_each_crash()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("crasher", "sh", ".", "-c", "sleep 0.2; exit 3")
            .WithRestartOnCrash(new RestartBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)));
        await using var app = builder.Build();
        using var timeout = new CancellationTokenSource(Deadline);
        await app.StartAsync(timeout.Token);

        var crashes = await CrashLinesAsync(app, "crasher", count: 3, timeout.Token);
        var restarted = await app.ResourceNotifications.WaitForResourceAsync("crasher", e => Restarts(e.Snapshot) >= 3, timeout.Token);

        Assert.Equal(["3:1:0.2", "3:2:0.4", "3:3:0.8"], crashes);
        Assert.True(Restarts(restarted.Snapshot) >= 3);
    }

    [Fact]
    public async Task A_process_that_exits_cleanly_is_left_stopped()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("finisher", "sh", ".", "-c", "exit 0").WithRestartOnCrash();
        builder.AddExecutable("crasher", "sh", ".", "-c", "exit 1")
            .WithRestartOnCrash(new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)));
        await using var app = builder.Build();
        using var timeout = new CancellationTokenSource(Deadline);
        await app.StartAsync(timeout.Token);

        // By the time the crasher has been restarted twice, a wrongly restarted finisher would have been too.
        await app.ResourceNotifications.WaitForResourceAsync("crasher", e => Restarts(e.Snapshot) >= 2, timeout.Token);
        var finisher = await app.ResourceNotifications.WaitForResourceAsync(
            "finisher", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);

        Assert.Equal(0, finisher.Snapshot.ExitCode);
        Assert.Equal(0, Restarts(finisher.Snapshot));
    }

    private static int Restarts(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int restarts ? restarts : 0;

    /// <summary>"exit code:restart:delay seconds" of each crash line written to the resource's console log.</summary>
    private static async Task<List<string>> CrashLinesAsync(DistributedApplication app, string resource, int count, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(model).WithCancellation(cancellationToken))
        {
            foreach (var match in batch.Select(line => CrashLine().Match(line.Content)).Where(m => m.Success))
            {
                found.Add($"{match.Groups[1].Value}:{match.Groups[2].Value}:{match.Groups[3].Value}");
            }

            if (found.Count >= count)
            {
                return found.Take(count).ToList();
            }
        }

        return found;
    }

    [GeneratedRegex(@"Crashed with exit code (\d+); restart (\d+) in ([\d.]+) s")]
    private static partial Regex CrashLine();
}

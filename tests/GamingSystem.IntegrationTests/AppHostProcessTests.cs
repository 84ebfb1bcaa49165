using System.Net;
using System.Text;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The AppHost as its own process: it serves the gateway, and however it ends (Ctrl+C, or killed outright)
/// it leaves no process behind, DCP and the dashboard included.
/// </summary>
public sealed class AppHostProcessTests
{
    [Fact]
    public async Task The_apphost_serves_the_gateway_and_ctrl_c_leaves_no_process_behind()
    {
        await using var appHost = AppHostProcess.Start();
        await appHost.WaitForGatewayAsync();
        using var http = new HttpClient { BaseAddress = appHost.Gateway };
        using var put = await http.PutAsync("/api/v1/state/apphost-test", new StringContent("""{"value":"aGk="}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var tree = appHost.ProcessTree();
        AssertRunsTheWholeSystem(tree);

        appHost.Interrupt();

        await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await appHost.WaitForAsync(() => Task.FromResult(!tree.Any(LinuxProcesses.IsAlive)), TimeSpan.FromSeconds(15),
            $"every process gone; still running: {Describe(tree)}", whileRunning: false);
    }

    [Fact]
    public async Task Killing_the_apphost_outright_leaves_no_process_behind_within_15_seconds()
    {
        await using var appHost = AppHostProcess.Start();
        await appHost.WaitForGatewayAsync();
        var tree = appHost.ProcessTree();
        AssertRunsTheWholeSystem(tree);

        // SIGKILL: no handler of the AppHost runs; DCP notices that the process it monitors is gone.
        appHost.KillHard();

        await appHost.WaitForAsync(() => Task.FromResult(!tree.Any(LinuxProcesses.IsAlive)), TimeSpan.FromSeconds(15),
            $"every process gone; still running: {Describe(tree)}", whileRunning: false);
    }

    private static void AssertRunsTheWholeSystem(HashSet<int> tree)
    {
        var commands = tree.Select(LinuxProcesses.CommandLine).ToList();
        Assert.Contains(commands, c => c.Contains("/dcp ", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("Aspire.Dashboard", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("nats-server", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("redis-server", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.EndsWith("/StateManager", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.EndsWith("/Gateway", StringComparison.Ordinal));
    }

    private static string Describe(IEnumerable<int> pids) =>
        string.Join(", ", pids.Where(LinuxProcesses.IsAlive).Select(p => $"{p} {LinuxProcesses.CommandLine(p)}"));
}

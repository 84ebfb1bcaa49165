using System.Diagnostics;
using GamingSystem.Hosting.Tests.Support;

namespace GamingSystem.Hosting.Tests;

/// <summary>
/// Runs the test AppHost as a real process, lets it sit idle, then SIGKILLs it: no handler runs,
/// so only the kernel (setpriv --pdeathsig) can take its children down.
/// </summary>
public sealed class ParentDeathTests
{
    /// <summary>
    /// The AppHost runs with a 100 ms thread-pool idle timeout, so idle pool threads retire
    /// within the window; a child forked from one of them would be killed by its pdeathsig.
    /// </summary>
    [Fact]
    public Task Children_survive_an_idle_AppHost_and_die_when_it_is_killed() =>
        IdleThenKillAsync(TimeSpan.FromSeconds(3), threadPoolIdleTimeoutMs: "100");

    /// <summary>The same with the runtime's own 20 s thread timeout, idle for over a minute.</summary>
    [LongFact]
    public Task Children_survive_a_minute_of_idle_AppHost_with_default_thread_timeouts() =>
        IdleThenKillAsync(TimeSpan.FromSeconds(65), threadPoolIdleTimeoutMs: null);

    private static async Task IdleThenKillAsync(TimeSpan idle, string? threadPoolIdleTimeoutMs)
    {
        using var appHost = StartAppHost(threadPoolIdleTimeoutMs, out var healthy);
        try
        {
            await healthy.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var children = LinuxProcesses.ChildrenOf(appHost.Id);
            Assert.Equal(4, children.Count);

            await Eventually.HoldsForAsync(() => children.All(LinuxProcesses.IsAlive), idle, "children must outlive idle AppHost threads");

            appHost.Kill();
            await Eventually.TrueAsync(
                () => !children.Any(LinuxProcesses.IsAlive), TimeSpan.FromSeconds(10), "every child of the killed AppHost is gone");
        }
        finally
        {
            if (!appHost.HasExited)
            {
                appHost.Kill();
            }
        }
    }

    private static Process StartAppHost(string? threadPoolIdleTimeoutMs, out TaskCompletionSource healthy)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { typeof(Program).Assembly.Location },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (threadPoolIdleTimeoutMs is not null)
        {
            startInfo.Environment["DOTNET_ThreadPool_ThreadTimeoutMs"] = threadPoolIdleTimeoutMs;
        }

        var process = new Process { StartInfo = startInfo };
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("resources are healthy", StringComparison.Ordinal) == true)
            {
                signal.TrySetResult();
            }
        };

        // Drained so the child never blocks on a full pipe.
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        healthy = signal;
        return process;
    }
}

using System.Diagnostics;
using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Tests.Support;

namespace GamingSystem.Hosting.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task A_crashed_child_is_restarted_and_a_stopped_one_is_not()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddRedis("redis");
        await using var app = builder.Build();
        await app.StartAsync();
        var first = (await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", TestApps.Timeout())).Instances[0];

        using (var process = Process.GetProcessById(first.ProcessId!.Value))
        {
            process.Kill();
        }

        var restarted = (await app.ResourceNotifications.WaitForResourceAsync(
            "redis", s => s.IsHealthy && s.Instances[0].ProcessId != first.ProcessId, TestApps.Timeout())).Instances[0];
        Assert.Equal(1, restarted.RestartCount);
        Assert.False(LinuxProcesses.IsAlive(first.ProcessId.Value));

        await app.ResourceCommands.StopAsync("redis");
        var stopped = (await app.ResourceNotifications.WaitForResourceAsync(
            "redis", s => s.State == ResourceState.Exited, TestApps.Timeout())).Instances[0];
        Assert.Null(stopped.ProcessId);
        Assert.Equal(1, stopped.RestartCount);
        Assert.False(LinuxProcesses.IsAlive(restarted.ProcessId!.Value));

        await app.ResourceCommands.StartAsync("redis");
        var again = await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", TestApps.Timeout());
        Assert.Equal(1, again.Instances[0].RestartCount);
    }
}

using System.Diagnostics;
using System.Net;
using GamingSystem.Contracts;

namespace GamingSystem.IntegrationTests;

/// <summary>What a caller sees when the service behind a route goes away, and how the AppHost brings it back.</summary>
[Collection(SystemCollection.Name)]
public sealed class ResilienceTests(SystemFixture system)
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(90);
    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task A_stopped_service_answers_503_at_once_and_recovers_when_started()
    {
        var key = $"test/stopped/{Guid.NewGuid():N}";
        await _api.PutAsync(key, "before");
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();

        var stop = await commands.ExecuteCommandAsync(ResourceNames.StateManager, KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        try
        {
            var watch = Stopwatch.StartNew();
            var (status, problem) = await _api.GetAsync(key);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("UNAVAILABLE", problem["code"]!.GetValue<string>());
            // Far below the 10 s call deadline: no responders is known at once, never a hang.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"503 took {watch.Elapsed}");
            // Stopped from the dashboard is not a crash: nothing restarts it behind the user's back.
            var current = await system.App.ResourceNotifications.WaitForResourceAsync(
                ResourceNames.StateManager, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
            Assert.Equal(0, current.Snapshot.ExitCode);
        }
        finally
        {
            var start = await commands.ExecuteCommandAsync(ResourceNames.StateManager, KnownResourceCommands.StartCommand);
            Assert.True(start.Success, start.Message);
        }

        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        await system.WaitHealthyAsync(ResourceNames.StateManager, timeout.Token);
        await EventuallyOkAsync(key, "before", timeout.Token);
    }

    [Fact]
    public async Task A_killed_service_is_restarted_by_the_apphost_and_calls_succeed_again()
    {
        var key = $"test/killed/{Guid.NewGuid():N}";
        await _api.PutAsync(key, "survives");
        var before = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.StateManager);
        var victim = SystemFixture.ServiceProcess(before.Snapshot);

        victim.Kill();
        await victim.WaitForExitAsync();

        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        var restarted = await system.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.StateManager,
            e => Restarts(e.Snapshot) > Restarts(before.Snapshot) && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            timeout.Token);
        Assert.NotEqual(victim.Id, SystemFixture.ServiceProcess(restarted.Snapshot).Id);
        await EventuallyOkAsync(key, "survives", timeout.Token);
    }

    [Fact]
    public async Task A_killed_nats_server_is_restarted_and_no_request_waits_past_its_deadline_meanwhile()
    {
        var key = $"test/nats-killed/{Guid.NewGuid():N}";
        await _api.PutAsync(key, "survives");
        var before = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Nats);
        using var victim = Process.GetProcessById(Convert.ToInt32(
            before.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture));

        victim.Kill();
        await victim.WaitForExitAsync();

        // While NATS is gone, every call ends by its deadline (10 s by default) with an answer, never a hang.
        var watch = Stopwatch.StartNew();
        var (status, _) = await _api.GetAsync(key);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"a call during the outage took {watch.Elapsed}");
        Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });

        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        await system.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.Nats, e => Restarts(e.Snapshot) > Restarts(before.Snapshot) && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            timeout.Token);
        var back = Stopwatch.StartNew();
        await EventuallyOkAsync(key, "survives", timeout.Token);
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"the gateway served again {back.Elapsed} after NATS was back");
    }

    [Fact]
    public async Task A_killed_redis_server_is_restarted_with_every_acknowledged_write()
    {
        // state-manager writes with a Lua script, which the append-only file holds as MULTI/EXEC: the restarted
        // server must replay those too.
        var key = $"test/redis-killed/{Guid.NewGuid():N}";
        long? version = null;
        for (var write = 1; write <= 3; write++)
        {
            var (status, body) = await _api.PutAsync(key, $"write {write}", expectedVersion: version);
            Assert.Equal(HttpStatusCode.OK, status);
            version = StateApi.Long(body["version"]);
        }

        var before = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Redis);
        using var victim = Process.GetProcessById(Convert.ToInt32(
            before.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture));
        victim.Kill();
        await victim.WaitForExitAsync();

        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        await system.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.Redis, e => Restarts(e.Snapshot) > Restarts(before.Snapshot) && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            timeout.Token);
        await EventuallyOkAsync(key, "write 3", timeout.Token);
        var (_, stored) = await _api.GetAsync(key);

        Assert.Equal(version, StateApi.Long(stored["version"]));
    }

    [Fact]
    public void Every_resource_is_running_and_healthy()
    {
        string[] expected = [ResourceNames.Gateway, ResourceNames.Nats, ResourceNames.Redis, ResourceNames.StateManager];
        foreach (var name in expected)
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(name, out var current), $"{name} is not in the model");
            Assert.Equal(KnownResourceStates.Running, current.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, current.Snapshot.HealthStatus);
        }
    }

    private static int Restarts(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int restarts ? restarts : 0;

    /// <summary>The circuit to the service may still be open for a moment after it is back: wait on the outcome.</summary>
    private async Task EventuallyOkAsync(string key, string expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (status, body) = await _api.GetAsync(key);
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal(expected, StateApi.Value(body));
                return;
            }

            Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"unexpected {status}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}

using System.Diagnostics;
using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Hosting.Lifecycle;

namespace GamingSystem.IntegrationTests;

/// <summary>What a caller sees when the service behind a route goes away, and how the AppHost brings it back.</summary>
[Collection(SystemCollection.Name)]
public sealed class ResilienceTests(SystemFixture system)
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);
    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task A_stopped_service_answers_503_within_the_deadline_and_recovers_when_started()
    {
        var key = $"test/stopped/{Guid.NewGuid():N}";
        await _api.PutAsync(key, "before");

        await system.App.ResourceCommands.StopAsync(ResourceNames.StateManager);
        try
        {
            var watch = Stopwatch.StartNew();
            var (status, problem) = await _api.GetAsync(key);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("UNAVAILABLE", problem["code"]!.GetValue<string>());
            // Far below the 10 s call deadline: no responders is known at once, never a hang.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"503 took {watch.Elapsed}");
        }
        finally
        {
            await system.App.ResourceCommands.StartAsync(ResourceNames.StateManager);
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
        var before = system.App.ResourceNotifications.GetSnapshot(ResourceNames.StateManager).Instances.Single();
        Assert.NotNull(before.ProcessId);

        using (var victim = Process.GetProcessById(before.ProcessId!.Value))
        {
            victim.Kill();
            await victim.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        var after = await system.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.StateManager,
            s => s.IsHealthy && s.Instances.Single().ProcessId != before.ProcessId,
            timeout.Token);
        Assert.True(after.Instances.Single().RestartCount > before.RestartCount);
        await EventuallyOkAsync(key, "survives", timeout.Token);
    }

    [Fact]
    public void Every_resource_is_running_and_healthy()
    {
        var snapshots = system.App.ResourceNotifications.GetSnapshots();

        Assert.Equal(
            [ResourceNames.Gateway, ResourceNames.Nats, ResourceNames.Redis, ResourceNames.StateManager],
            snapshots.Select(s => s.Name).Order());
        Assert.All(snapshots, s => Assert.True(s.IsHealthy, $"{s.Name}: {s.State}/{s.Health}"));
    }

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

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}

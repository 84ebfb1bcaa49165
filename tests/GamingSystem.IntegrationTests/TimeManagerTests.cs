using System.Diagnostics;
using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.TimeManager.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// time-manager on the booted system: the clock runs at its scale, pauses and resumes, keeps its time across a
/// SIGKILL, and with two replicas (a second process of our own beside the AppHost's) ticks each game hour once.
/// Every test puts the clock back to running at scale 1.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TimeManagerTests(SystemFixture system) : IAsyncLifetime
{
    private readonly ContentApi _api = new(system);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync()
    {
        await BusAsync("SetScale", new SetScaleRequest { Scale = 1 });
        await BusAsync("Resume", new ResumeRequest());
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task The_clock_runs_at_its_scale_stops_when_paused_and_resumes_from_where_it_stopped()
    {
        var admin = await Sessions.AdminAsync(system);
        var scaled = await _api.CallAsync<GameTime>(HttpMethod.Put, "/api/v1/time/scale", new SetScaleRequest { Scale = 120 }, admin);
        var outer = Stopwatch.StartNew();
        var first = await _api.CallAsync<GameTime>(HttpMethod.Get, "/api/v1/time");
        var inner = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var innerSeconds = inner.Elapsed.TotalSeconds;
        var second = await _api.CallAsync<GameTime>(HttpMethod.Get, "/api/v1/time");
        var outerSeconds = outer.Elapsed.TotalSeconds;

        var paused = await _api.CallAsync<GameTime>(HttpMethod.Post, "/api/v1/time/pause", new PauseRequest(), admin);
        await Task.Delay(TimeSpan.FromSeconds(0.7));
        var stillPaused = await _api.CallAsync<GameTime>(HttpMethod.Get, "/api/v1/time");
        var resumed = await _api.CallAsync<GameTime>(HttpMethod.Post, "/api/v1/time/resume", new ResumeRequest(), admin);
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        var running = await _api.CallAsync<GameTime>(HttpMethod.Get, "/api/v1/time");

        Assert.Equal((120.0, false), (scaled.Scale, scaled.Paused));
        // 120 game minutes a real second, measured between the two reads' outer and inner bounds.
        Assert.InRange(second.TotalMinutes - first.TotalMinutes, (long)(120 * innerSeconds) - 1, (long)(120 * outerSeconds) + 1);
        Assert.Equal(second.TotalMinutes % 60, second.Minute);
        Assert.Equal(((second.TotalMinutes / 60) % 24, (second.TotalMinutes / 1440) + 1), (second.Hour, second.Day));
        Assert.True(paused.Paused);
        Assert.Equal((paused.TotalMinutes, true), (stillPaused.TotalMinutes, stillPaused.Paused));
        Assert.Equal((paused.TotalMinutes, false), (resumed.TotalMinutes, resumed.Paused));
        Assert.True(running.TotalMinutes > resumed.TotalMinutes, $"{running.TotalMinutes} after resuming at {resumed.TotalMinutes}");
    }

    [Fact]
    public async Task Changing_the_clock_is_for_administrators_and_a_scale_outside_its_range_is_refused()
    {
        var admin = await Sessions.AdminAsync(system);
        var player = (await _api.Http.NewPlayerAsync()).Token;

        var zero = await _api.ProblemAsync(HttpMethod.Put, "/api/v1/time/scale", """{"scale":0}""", admin);
        var huge = await _api.ProblemAsync(HttpMethod.Put, "/api/v1/time/scale", """{"scale":5000}""", admin);
        var notAdmin = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/time/pause", "{}", player);
        var anonymous = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/time/pause", "{}");
        var time = await _api.CallAsync<GameTime>(HttpMethod.Get, "/api/v1/time");

        Assert.Equal((HttpStatusCode.BadRequest, "scale"), (zero.Status, zero.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "scale"), (huge.Status, huge.Field));
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.False(time.Paused);
    }

    [Fact]
    public async Task The_clock_survives_a_sigkill_of_the_service_without_jumping_back()
    {
        await BusAsync("SetScale", new SetScaleRequest { Scale = 60 });
        var before = await BusAsync<GameTime>("GetTime", new GetTimeRequest());
        var sinceBefore = Stopwatch.StartNew();

        await KillAndAwaitRestartAsync();
        var after = await BusAsync<GameTime>("GetTime", new GetTimeRequest());

        Assert.InRange(after.TotalMinutes, before.TotalMinutes, before.TotalMinutes + (long)(60 * sinceBefore.Elapsed.TotalSeconds) + 1);
        Assert.Equal(60.0, after.Scale);
    }

    [Fact]
    public async Task With_two_replicas_and_the_first_killed_every_game_hour_is_ticked_exactly_once()
    {
        await using var replica = await ServiceReplica.StartAsync(system, ResourceNames.TimeManager);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var start = await BusAsync<GameTime>("SetScale", new SetScaleRequest { Scale = 600 });

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // Whichever of the two holds the lease, the AppHost's instance dies mid-run and the hours go on being ticked.
        await KillAndAwaitRestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var end = await BusAsync<GameTime>("Pause", new PauseRequest());
        var lastHour = end.TotalMinutes / 60;

        var ticks = await ContentApi.UntilAsync(
            async () => (await WorldApi.EventsSinceAsync(_bus, "evt.time.tick", since))
                .Where(e => e.Headers.TryGetValue("Nats-Msg-Id", out var id) && id.StartsWith("time-tick:", StringComparison.Ordinal))
                .Select(e => TimeTick.Parser.ParseFrom(e.Payload).Time.TotalMinutes).ToList() is var minutes && minutes.Contains(lastHour * 60) ? minutes : null,
            $"the tick of game hour {lastHour}");
        var counted = ticks.Select(m => m / 60).Where(h => h > start.TotalMinutes / 60).ToList();

        Assert.True(counted.Count >= 30, $"{counted.Count} hours ticked");
        Assert.Equal(counted.Count, counted.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, counted.Count).Select(i => counted.Min() + i), counted.Order());
        Assert.Equal(lastHour, counted.Max());
        // Each tick is the first minute of its hour.
        Assert.All(ticks, m => Assert.Equal(0, m % 60));
    }

    private async Task KillAndAwaitRestartAsync()
    {
        var before = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.TimeManager);
        var victim = SystemFixture.ServiceProcess(before.Snapshot);
        victim.Kill();
        await victim.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await system.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.TimeManager,
            e => Restarts(e.Snapshot) > Restarts(before.Snapshot) && e.Snapshot.HealthStatus == HealthStatus.Healthy,
            timeout.Token);
    }

    private static int Restarts(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int restarts ? restarts : 0;

    private Task<GameTime> BusAsync(string method, Google.Protobuf.IMessage request) => BusAsync<GameTime>(method, request);

    private Task<T> BusAsync<T>(string method, Google.Protobuf.IMessage request)
        where T : Google.Protobuf.IMessage<T> => ContentApi.BusAsync<T>(_bus, ContractRegistry.TimeManager, method, request);
}

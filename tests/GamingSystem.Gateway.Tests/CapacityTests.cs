using System.Net;
using System.Text;
using GamingSystem.ServiceDefaults.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// Backpressure as an HTTP client meets it: a full service or a full gateway answers 503 at once, with a
/// Retry-After the client can follow, instead of queueing the request until it times out.
/// </summary>
public sealed class CapacityTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task A_service_at_capacity_is_503_with_retry_after()
    {
        using var backend = await Backend.StartAsync(nats.ConnectionString, maxConcurrency: 1, maxWaiting: 0);
        await using var gateway = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?> { ["Messaging:Client:DefaultTimeout"] = "00:00:05" });
        try
        {
            using var stop = new CancellationTokenSource();
            var busy = gateway.Http.PutAsync("/api/v1/state/hang", Json("""{"value":"aGk="}"""), stop.Token);
            await WaitUntilAsync(() => backend.Services.GetRequiredService<Backend.Started>().Count >= 1);

            using var response = await gateway.Http.PutAsync("/api/v1/state/k", Json("""{"value":"aGk="}"""));
            var problem = await GatewayHttpTests.Problem(response, HttpStatusCode.ServiceUnavailable);

            Assert.Equal("UNAVAILABLE", problem["code"]!.GetValue<string>());
            Assert.Contains("at capacity", problem["detail"]!.GetValue<string>());
            Assert.Equal("100", problem["details"]!["retry_after_ms"]!.GetValue<string>());
            // Retry-After is in whole seconds: 100 ms rounds up to 1, never down to "retry now".
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => busy);
        }
        finally
        {
            await backend.StopAsync();
        }
    }

    [Fact]
    public async Task A_gateway_at_capacity_is_503_with_retry_after()
    {
        using var backend = await Backend.StartAsync(nats.ConnectionString);
        await using var gateway = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Gateway:MaxConcurrentRequests"] = "1",
            ["Gateway:QueueLimit"] = "0",
            ["Messaging:Client:DefaultTimeout"] = "00:00:05",
        });
        try
        {
            using var stop = new CancellationTokenSource();
            var busy = gateway.Http.PutAsync("/api/v1/state/hang", Json("""{"value":"aGk="}"""), stop.Token);
            await WaitUntilAsync(() => backend.Services.GetRequiredService<Backend.Started>().Count >= 1);

            using var response = await gateway.Http.GetAsync("/api/v1/state/k");
            var problem = await GatewayHttpTests.Problem(response, HttpStatusCode.ServiceUnavailable);

            Assert.Equal("UNAVAILABLE", problem["code"]!.GetValue<string>());
            Assert.Equal("the gateway is at capacity; retry shortly", problem["detail"]!.GetValue<string>());
            Assert.Null(problem["field"]);
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => busy);

            // The slot comes back once the request holding it ends.
            await WaitUntilAsync(async () =>
            {
                using var again = await gateway.Http.GetAsync("/api/v1/state/k");
                return again.StatusCode == HttpStatusCode.OK;
            });
        }
        finally
        {
            await backend.StopAsync();
        }
    }

    [Fact]
    public async Task With_no_instance_of_the_service_a_call_is_503()
    {
        await using var gateway = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?> { ["Messaging:Client:MaxRetries"] = "0" });

        using var response = await gateway.Http.PutAsync("/api/v1/state/k", Json("""{"value":"aGk="}"""));
        var problem = await GatewayHttpTests.Problem(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("UNAVAILABLE", problem["code"]!.GetValue<string>());
        Assert.Contains("no instance answers svc.state_manager.v1.put", problem["detail"]!.GetValue<string>());
        Assert.Null(response.Headers.RetryAfter);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached within 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}

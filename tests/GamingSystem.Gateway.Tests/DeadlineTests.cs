using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GamingSystem.ServiceDefaults.Tests;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// Deadlines per route: the gateway waits for a service as long as the route's configured deadline, and sends
/// that deadline along, so that the service knows it too.
/// </summary>
public sealed class DeadlineTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private const string Get = "gaming.state_manager.v1.StateManager.Get";
    private IHost? _backend;

    public async Task InitializeAsync() => _backend = await Backend.StartAsync(nats.ConnectionString);

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.StopAsync();
            _backend.Dispose();
        }
    }

    [Fact]
    public async Task A_short_deadline_on_a_route_ends_a_hanging_call_with_504_long_before_the_default()
    {
        await using var gateway = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Messaging:Client:DefaultTimeout"] = "00:01:00",
            [$"Gateway:Deadlines:{Get}"] = "00:00:00.3",
        });

        var watch = Stopwatch.StartNew();
        using var response = await gateway.Http.GetAsync("/api/v1/state/hang");
        var problem = await GatewayHttpTests.Problem(response, HttpStatusCode.GatewayTimeout);

        Assert.Equal("DEADLINE_EXCEEDED", problem["code"]!.GetValue<string>());
        // Not a timing measurement: only a bound far from both 0.3 s and the default minute.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task The_service_sees_the_deadline_of_its_route_else_the_gateways_default_else_the_clients()
    {
        await using var configured = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Gateway:DefaultDeadline"] = "00:10:00",
            [$"Gateway:Deadlines:{Get}"] = "01:00:00",
        });
        await using var defaulted = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Gateway:DefaultDeadline"] = "00:10:00",
        });
        await using var plain = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Messaging:Client:DefaultTimeout"] = "00:02:00",
        });

        Assert.InRange(await SecondsLeftAsync(configured), 3000, 3600);
        Assert.InRange(await SecondsLeftAsync(defaulted), 500, 600);
        Assert.InRange(await SecondsLeftAsync(plain), 60, 120);
    }

    [Fact]
    public async Task A_default_deadline_applies_to_every_route_without_its_own()
    {
        await using var gateway = await GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            ["Messaging:Client:DefaultTimeout"] = "00:01:00",
            ["Gateway:DefaultDeadline"] = "00:00:00.3",
        });

        // A Put is not retried: first make sure the fresh backend's subscriptions have reached the server.
        using (var ready = await gateway.Http.GetAsync("/api/v1/state/k"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var response = await gateway.Http.PutAsync("/api/v1/state/hang", new StringContent("""{"value":"aGk="}""", Encoding.UTF8, "application/json"));

        await GatewayHttpTests.Problem(response, HttpStatusCode.GatewayTimeout);
    }

    [Theory]
    [InlineData("Gateway:Deadlines:gaming.state_manager.v1.StateManager.Gett", "00:00:01", "Gateway:Deadlines names methods without a route: gaming.state_manager.v1.StateManager.Gett")]
    [InlineData("Gateway:Deadlines:gaming.state_manager.v1.StateManager.Get", "00:00:00", "Gateway: the deadline of gaming.state_manager.v1.StateManager.Get must be positive")]
    [InlineData("Gateway:DefaultDeadline", "-00:00:01", "Gateway: the deadline of DefaultDeadline must be positive")]
    public async Task A_deadline_for_no_route_or_of_no_time_fails_at_start_up_naming_it(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?> { [key] = value }));

        Assert.StartsWith(message, error.Message);
    }

    private static async Task<long> SecondsLeftAsync(GatewayHost gateway)
    {
        using var response = await gateway.Http.GetAsync("/api/v1/state/deadline");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var value = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!.GetValue<string>();
        return long.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(value)), CultureInfo.InvariantCulture);
    }
}

using System.Net.Http.Json;
using GamingSystem.Hosting.Testing;
using GamingSystem.Hosting.Tests.Support;

namespace GamingSystem.Hosting.Tests;

public sealed class TestingBuilderTests
{
    [Fact]
    public async Task Boots_the_AppHost_model_and_children_receive_the_injected_environment()
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        Assert.Equal(new[] { "nats", "nats-user", "nats-password", "redis", "redis-password", "backend", "front" }.Order(), appHost.Resources.Select(r => r.Name).Order());
        Assert.True(appHost.Builder.Options.RandomizePorts);
        Assert.False(appHost.Builder.Options.ForwardConsoleLogs);

        IReadOnlyList<int> pids;
        await using (var app = await appHost.BuildAsync())
        {
            await app.StartAsync();
            await app.ResourceNotifications.WaitForResourceHealthyAsync("front", TestApps.Timeout());
            pids = app.ResourceNotifications.ProcessIds();

            using var backend = app.CreateHttpClient("backend");
            var backendEnvironment = await backend.GetFromJsonAsync<Dictionary<string, string>>("/env");
            using var front = app.CreateHttpClient("front");
            var frontEnvironment = await front.GetFromJsonAsync<Dictionary<string, string>>("/env");

            Assert.NotNull(backendEnvironment);
            Assert.NotNull(frontEnvironment);
            Assert.Equal(await app.GetConnectionStringAsync("nats"), backendEnvironment["ConnectionStrings__nats"]);
            Assert.Equal(await app.GetConnectionStringAsync("redis"), backendEnvironment["ConnectionStrings__redis"]);
            Assert.Equal("hello", backendEnvironment["GREETING"]);
            Assert.Equal("backend", backendEnvironment["OTEL_SERVICE_NAME"]);
            Assert.Equal(app.GetEndpoint("backend").ToString().TrimEnd('/'), frontEnvironment["services__backend__http__0"]);
            Assert.False(frontEnvironment.ContainsKey("ConnectionStrings__redis"));
            Assert.Contains(app.ResourceLogs.GetLogs("backend"), line => line.Text.Contains("Now listening on", StringComparison.Ordinal));

            var snapshot = app.ResourceNotifications.GetSnapshot("backend").Instances[0];
            Assert.Equal("********", snapshot.Environment.Single(e => e.Name == "ConnectionStrings__nats").Value);
            Assert.Equal(4, pids.Count);
        }

        Assert.All(pids, pid => Assert.False(LinuxProcesses.IsAlive(pid), $"process {pid} outlived the application"));
    }

    [Fact]
    public async Task Resources_wait_for_their_dependencies_to_be_healthy()
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        await using var app = await appHost.BuildAsync();
        var order = new List<string>();
        app.ResourceNotifications.ResourceChanged += (_, snapshot) =>
        {
            lock (order)
            {
                var entry = $"{snapshot.Name}:{(snapshot.IsHealthy ? "healthy" : snapshot.State.ToString())}";
                if (!order.Contains(entry))
                {
                    order.Add(entry);
                }
            }
        };

        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceHealthyAsync("front", TestApps.Timeout());

        lock (order)
        {
            Assert.True(order.IndexOf("nats:healthy") < order.IndexOf("backend:Starting"));
            Assert.True(order.IndexOf("redis:healthy") < order.IndexOf("backend:Starting"));
            Assert.True(order.IndexOf("backend:healthy") < order.IndexOf("front:Starting"));
        }
    }
}

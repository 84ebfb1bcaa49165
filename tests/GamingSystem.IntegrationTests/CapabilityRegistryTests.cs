using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.IntegrationTests;

/// <summary>capability-registry on the booted system: every service registers itself; instances without heartbeats drop out.</summary>
[Collection(SystemCollection.Name)]
public sealed class CapabilityRegistryTests(SystemFixture system) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Every_running_service_registers_itself_with_its_methods_as_capabilities()
    {
        var running = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .Select(p => p.Name).Where(name => ContractRegistry.ForResource(name) is not null).ToList();
        Assert.Contains(ResourceNames.Settings, running);

        var listed = await UntilAsync(async () =>
        {
            var instances = (await ListAsync()).Instances;
            return running.All(name => instances.Any(i => i.Service == name)) ? instances : null;
        });

        var settings = listed.First(i => i.Service == ResourceNames.Settings);
        Assert.Equal(ContractRegistry.Settings.Methods.Select(ServiceSubjects.For).Order(), settings.Capabilities.Order());
        Assert.True(settings.ExpiresAt.ToDateTimeOffset() > DateTimeOffset.UtcNow);

        // Heartbeats keep it listed: its expiry moves on without anyone registering it again.
        var renewed = await UntilAsync(async () => (await ListAsync(ResourceNames.Settings)).Instances
            .FirstOrDefault(i => i.InstanceId == settings.InstanceId && i.ExpiresAt.ToDateTimeOffset() > settings.ExpiresAt.ToDateTimeOffset()));
        Assert.Equal(settings.RegisteredAt, renewed.RegisteredAt);
    }

    [Fact]
    public async Task Find_answers_the_live_instances_offering_a_capability_through_the_gateway_too()
    {
        var capability = ServiceSubjects.For(ContractRegistry.Settings.FindMethodByName("Get"));
        var found = await UntilAsync(async () =>
        {
            var reply = await _bus.Services.RequestAsync<FindResponse>(Method("Find"), new FindRequest { Capability = capability });
            return reply.Instances.Count > 0 ? reply : null;
        });

        using var response = await system.Gateway.GetAsync($"/api/v1/capabilities/{capability}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using var all = await system.Gateway.GetAsync("/api/v1/capabilities");

        Assert.All(found.Instances, i => Assert.Equal(ResourceNames.Settings, i.Service));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ResourceNames.Settings, body["instances"]![0]!["service"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
    }

    [Fact]
    public async Task Register_heartbeat_and_deregister_an_instance()
    {
        var instanceId = Guid.NewGuid().ToString("N");
        var registered = await _bus.Services.RequestAsync<Registration>(Method("Register"), new RegisterRequest
        {
            Service = "probe",
            InstanceId = instanceId,
            TtlSeconds = 60,
            Capabilities = { "probe.ping" },
            Metadata = { ["zone"] = "test" },
        });
        var renewed = await _bus.Services.RequestAsync<Registration>(Method("Heartbeat"), new HeartbeatRequest { Service = "probe", InstanceId = instanceId });
        var listed = (await ListAsync("probe")).Instances.Single(i => i.InstanceId == instanceId);

        var removed = await _bus.Services.RequestAsync<DeregisterResponse>(Method("Deregister"), new DeregisterRequest { Service = "probe", InstanceId = instanceId });
        var again = await _bus.Services.RequestAsync<DeregisterResponse>(Method("Deregister"), new DeregisterRequest { Service = "probe", InstanceId = instanceId });
        var gone = await Assert.ThrowsAsync<ServiceException>(() =>
            _bus.Services.RequestAsync<Registration>(Method("Heartbeat"), new HeartbeatRequest { Service = "probe", InstanceId = instanceId }));

        Assert.Equal(["probe.ping"], registered.Instance.Capabilities);
        Assert.True(renewed.Instance.ExpiresAt.ToDateTimeOffset() >= registered.Instance.ExpiresAt.ToDateTimeOffset());
        Assert.Equal("test", listed.Metadata["zone"]);
        Assert.True(removed.Removed);
        Assert.False(again.Removed);
        Assert.Equal(ErrorCode.NotFound, gone.Code);
        Assert.DoesNotContain((await ListAsync("probe")).Instances, i => i.InstanceId == instanceId);
    }

    [Fact]
    public async Task An_instance_that_stops_heartbeating_drops_out_after_its_ttl()
    {
        var instanceId = Guid.NewGuid().ToString("N");
        var watch = Stopwatch.StartNew();
        await _bus.Services.RequestAsync<Registration>(Method("Register"), new RegisterRequest { Service = "probe", InstanceId = instanceId, TtlSeconds = 5 });
        Assert.Contains((await ListAsync("probe")).Instances, i => i.InstanceId == instanceId);

        await UntilAsync(async () => (await ListAsync("probe")).Instances.Any(i => i.InstanceId == instanceId) ? null : new object());

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(4.5), $"dropped after {watch.Elapsed}, before its 5 s TTL");
    }

    [Theory]
    [InlineData("Bad Name", "i1", 30, "x", "service")]
    [InlineData("probe", "", 30, "x", "instance_id")]
    [InlineData("probe", "i1", 2, "x", "ttl_seconds")]
    [InlineData("probe", "i1", 301, "x", "ttl_seconds")]
    [InlineData("probe", "i1", 30, "has space", "capabilities[0]")]
    [InlineData("probe", "i1", 30, "svc..x", "capabilities[0]")]
    [InlineData("probe", "i1", 30, "svc.>", "capabilities[0]")]
    [InlineData("probe", "i1", 30, "../etc", "capabilities[0]")]
    public async Task Bad_registrations_are_refused_naming_the_field(string service, string instanceId, int ttl, string capability, string field)
    {
        var refused = await Assert.ThrowsAsync<ServiceException>(() => _bus.Services.RequestAsync<Registration>(
            Method("Register"), new RegisterRequest { Service = service, InstanceId = instanceId, TtlSeconds = ttl, Capabilities = { capability } }));

        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.Equal(field, refused.Error.Field);
    }

    [Fact]
    public async Task Find_and_list_refuse_what_no_instance_could_offer()
    {
        var find = await Assert.ThrowsAsync<ServiceException>(() => _bus.Services.RequestAsync<FindResponse>(Method("Find"), new FindRequest { Capability = "svc.*.v1.get" }));
        var list = await Assert.ThrowsAsync<ServiceException>(() => ListAsync("Not A Service"));

        Assert.Equal((ErrorCode.InvalidArgument, "capability"), (find.Code, find.Error.Field));
        Assert.Equal((ErrorCode.InvalidArgument, "service"), (list.Code, list.Error.Field));
    }

    private static Google.Protobuf.Reflection.MethodDescriptor Method(string name) => ContractRegistry.CapabilityRegistry.FindMethodByName(name);

    private Task<ListResponse> ListAsync(string service = "") =>
        _bus.Services.RequestAsync<ListResponse>(Method("List"), new ListRequest { Service = service });

    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            await Task.Delay(200, deadline.Token);
        }
    }
}

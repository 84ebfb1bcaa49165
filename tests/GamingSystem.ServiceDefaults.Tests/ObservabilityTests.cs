using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using GamingSystem.Contracts;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>What operators see of a service: its NATS micro description ($SRV) and the SDK's metrics.</summary>
public sealed class ObservabilityTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.StateManager.FindMethodByName("Get");

    [Fact]
    public async Task The_service_describes_its_methods_for_nats_micro_discovery()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        try
        {
            var connection = service.Services.GetRequiredService<INatsConnection>();
            var reply = await connection.RequestAsync<string>("$SRV.INFO.state_manager", replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
            using var info = JsonDocument.Parse(reply.Data!);
            var root = info.RootElement;

            Assert.Equal("state_manager", root.GetProperty("name").GetString());
            Assert.Equal("1.0.0", root.GetProperty("version").GetString());
            Assert.Equal("gaming.state_manager.v1.StateManager", root.GetProperty("metadata").GetProperty("proto.service").GetString());
            var endpoints = root.GetProperty("endpoints").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
            Assert.Equal(["delete", "get", "list", "put"], endpoints.Keys.Order());
            var get = endpoints["get"];
            Assert.Equal("svc.state_manager.v1.get", get.GetProperty("subject").GetString());
            Assert.Equal("svc-state_manager-workers", get.GetProperty("queue_group").GetString());
            Assert.Equal("gaming.state_manager.v1.StateManager.Get", get.GetProperty("metadata").GetProperty("proto.method").GetString());
            Assert.Equal("true", get.GetProperty("metadata").GetProperty("idempotent").GetString());
            Assert.Equal("false", endpoints["put"].GetProperty("metadata").GetProperty("idempotent").GetString());
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task Every_call_is_measured_on_both_sides_with_its_outcome()
    {
        var measured = new ConcurrentQueue<(string Instrument, string? Service, string? Method, string? Status)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MessagingTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            var all = tags.ToArray();
            string? Tag(string name) => all.FirstOrDefault(t => t.Key == name).Value?.ToString();
            measured.Enqueue((instrument.Name, Tag("rpc.service"), Tag("rpc.method"), Tag("rpc.response.status_code")));
        });
        listener.Start();

        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        try
        {
            await client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "found" });
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "missing" }));
        }
        finally
        {
            await service.StopAsync();
        }

        var mine = measured.Where(m => m.Service == "state_manager" && m.Method == "Get").ToList();
        Assert.Contains(("gaming.rpc.server.duration", "state_manager", "Get", "NOT_FOUND"), mine);
        Assert.Contains(("gaming.rpc.client.duration", "state_manager", "Get", "NOT_FOUND"), mine);
        Assert.Contains(mine, m => m.Instrument == "gaming.rpc.server.duration" && m.Status != "NOT_FOUND");
        Assert.Contains(mine, m => m.Instrument == "gaming.rpc.client.duration" && m.Status != "NOT_FOUND");
    }
}

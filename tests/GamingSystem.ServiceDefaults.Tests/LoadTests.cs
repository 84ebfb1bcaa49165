using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>How load spreads over instances and how much of it one instance holds, against a real nats-server.</summary>
public sealed class LoadTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.StateManager.FindMethodByName("Get");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Put = ContractRegistry.StateManager.FindMethodByName("Put");

    [Fact]
    public async Task Two_instances_of_a_service_share_its_calls_and_one_carries_on_when_the_other_stops()
    {
        using var first = TestService.Build(nats.ConnectionString);
        using var second = TestService.Build(nats.ConnectionString);
        await first.StartAsync();
        await second.StartAsync();
        using var caller = await StartCallerAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();
        var firstProbe = first.Services.GetRequiredService<TestService.Probe>();
        var secondProbe = second.Services.GetRequiredService<TestService.Probe>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = $"shared-{i}" });
            }

            // One queue group: NATS gives each request to one member at random, so both see some (all 40 on one
            // instance would happen once in 2^39 runs) and none is handled twice.
            Assert.NotEmpty(firstProbe.Calls);
            Assert.NotEmpty(secondProbe.Calls);
            Assert.Equal(40, firstProbe.Calls.Count + secondProbe.Calls.Count);

            await second.StopAsync();
            var before = firstProbe.Calls.Count;
            for (var i = 0; i < 10; i++)
            {
                await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = $"after-stop-{i}" });
            }

            Assert.Equal(before + 10, firstProbe.Calls.Count);
        }
        finally
        {
            await first.StopAsync();
        }
    }

    [Fact]
    public async Task Waiting_requests_are_bounded_by_their_bytes_as_well_as_their_number()
    {
        // The bound is exactly one waiting request of this size: at the bound is allowed, past it is not.
        var medium = new PutRequest { Key = "medium", Value = ByteString.CopyFrom(new byte[40 * 1024]) };
        using var service = TestService.Build(nats.ConnectionString, handlers => handlers
            .AddHandler<TestService.ScriptedGetHandler>().AddHandler<TestService.PutHandler>()
            .AddHandler<TestService.DeleteHandler>().AddHandler<TestService.ListHandler>()
            .WithMaxConcurrency(1, maxWaiting: 100, maxWaitingBytes: medium.CalculateSize()));
        var refusals = new ConcurrentQueue<string?>();
        using var listener = RefusalListener(refusals);
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        using var caller = await StartCallerAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();
        try
        {
            // Nothing waits yet: a large request runs even though it alone is over the waiting bound.
            var large = ByteString.CopyFrom(new byte[100 * 1024]);
            Assert.Equal(1, (await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "large-alone", Value = large })).Version);

            // One request holds the only slot until its deadline; one of exactly the bound may wait behind it.
            var running = HoldTheSlotAsync(client, "hang");
            await WaitUntilAsync(() => probe.Calls.Count(c => c.Key == "hang") == 1);
            var waiting = client.RequestAsync<PutResponse>(Put, medium, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });

            // Two waiters are far below the count of 100, but their bytes are over the bound: refused at once.
            var watch = Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(
                Put, new PutRequest { Key = "large-waiting", Value = large }, new CallOptions { Timeout = TimeSpan.FromSeconds(10) }));

            Assert.Equal(ErrorCode.Unavailable, refused.Code);
            Assert.Contains($"{medium.CalculateSize()} bytes waiting", refused.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the refusal took {watch.Elapsed}");
            Assert.Contains("full", refusals);
            Assert.False(waiting.IsCompleted, "the request at the bound should still be waiting for the slot");
            Assert.DoesNotContain(probe.Calls, c => c.Key == "large-waiting");

            // When the slot frees, the waiter runs, and neither its bytes nor the refused ones count any more: another
            // request of exactly the bound may wait again.
            Assert.Equal(ErrorCode.DeadlineExceeded, (await Assert.ThrowsAsync<ServiceException>(() => running)).Code);
            await waiting;
            var again = HoldTheSlotAsync(client, "hang");
            await WaitUntilAsync(() => probe.Calls.Count(c => c.Key == "hang") == 2);
            var waitingAgain = client.RequestAsync<PutResponse>(Put, medium, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(ErrorCode.DeadlineExceeded, (await Assert.ThrowsAsync<ServiceException>(() => again)).Code);
            await waitingAgain;
        }
        finally
        {
            await service.StopAsync();
        }
    }

    private static Task<GetResponse> HoldTheSlotAsync(ServiceClient client, string key) =>
        client.RequestAsync<GetResponse>(Get, new GetRequest { Key = key }, new CallOptions { Timeout = TimeSpan.FromSeconds(2) });

    [Fact]
    public void The_bounds_are_checked_when_set()
    {
        var builder = Host.CreateApplicationBuilder();
        var service = builder.AddNatsService(ContractRegistry.StateManager);

        Assert.Throws<ArgumentOutOfRangeException>(() => service.WithMaxConcurrency(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => service.WithMaxConcurrency(1, maxWaiting: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => service.WithMaxConcurrency(1, maxWaitingBytes: -1));
        Assert.Same(service, service.WithMaxConcurrency(1, 0, 0));
    }

    /// <summary>Collects the reason of every refusal the SDK counts (<c>gaming.rpc.server.refused</c>).</summary>
    internal static MeterListener RefusalListener(ConcurrentQueue<string?> refusals)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MessagingTelemetry.MeterName && instrument.Name == "gaming.rpc.server.refused")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    refusals.Enqueue(tag.Value?.ToString());
                }
            }
        });
        listener.Start();
        return listener;
    }

    private async Task<IHost> StartCallerAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:nats"] = nats.ConnectionString });
        builder.AddNatsClient(ResourceNames.Nats);
        var caller = builder.Build();
        await caller.StartAsync();
        return caller;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached within 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}

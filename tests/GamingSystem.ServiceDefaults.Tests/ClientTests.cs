using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using Polly.CircuitBreaker;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>What a caller of <see cref="ServiceClient"/> is told when a call cannot be made or does not succeed.</summary>
public sealed class ClientTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.StateManager.FindMethodByName("Get");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Put = ContractRegistry.StateManager.FindMethodByName("Put");

    [Fact]
    public async Task A_request_of_another_type_than_the_method_takes_is_refused_before_sending()
    {
        using var caller = await StartCallerAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync<GetResponse>(Get, new PutRequest { Key = "k" }));

        Assert.Equal("request", error.ParamName);
        Assert.StartsWith("gaming.state_manager.v1.StateManager.Get takes gaming.state_manager.v1.GetRequest, not gaming.state_manager.v1.PutRequest.", error.Message);
    }

    [Fact]
    public async Task A_call_whose_deadline_already_passed_says_so_and_is_not_sent()
    {
        using var caller = await StartCallerAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();
        using var spent = new CallContext(Get, null, DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None, TimeProvider.System);
        CallContext.Current = spent;
        try
        {
            var error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "k" }));

            Assert.Equal(ErrorCode.DeadlineExceeded, error.Code);
            Assert.Equal("gaming.state_manager.v1.StateManager.Get: the deadline passed before the call was sent", error.Message);
        }
        finally
        {
            CallContext.Current = null;
        }
    }

    [Fact]
    public async Task A_service_that_never_answers_is_deadline_exceeded_for_one_shot_and_retried_calls_alike()
    {
        using var caller = await StartCallerAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();
        await using var blackHole = await SwallowAsync(caller);

        var oneShot = await Assert.ThrowsAsync<ServiceException>(() =>
            client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(200) }));
        var retried = await Assert.ThrowsAsync<ServiceException>(() =>
            client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal(ErrorCode.DeadlineExceeded, oneShot.Code);
        Assert.StartsWith("gaming.state_manager.v1.StateManager.Put did not answer before its deadline (", oneShot.Message);
        Assert.Equal(ErrorCode.DeadlineExceeded, retried.Code);
        Assert.Contains("gaming.state_manager.v1.StateManager.Get did not answer", retried.Message);
    }

    [Fact]
    public async Task With_no_retries_configured_an_idempotent_call_is_tried_once()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        using var caller = await StartCallerAsync(maxRetries: 0);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        try
        {
            var error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "unavailable" }));

            Assert.Equal(ErrorCode.Unavailable, error.Code);
            Assert.Single(probe.Calls, c => c.Key == "unavailable");
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task An_open_circuit_fails_calls_at_once_without_retrying_and_says_why()
    {
        using var caller = await StartCallerAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();
        await using (var blackHole = await SwallowAsync(caller))
        {
            for (var i = 0; i < 12 && client.CircuitOf("state_manager") != CircuitState.Open; i++)
            {
                await Assert.ThrowsAsync<ServiceException>(() =>
                    client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(100) }));
            }
        }

        Assert.Equal(CircuitState.Open, client.CircuitOf("state_manager"));
        Assert.Equal(CircuitState.Closed, client.CircuitOf("another_service"));

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "k" }));

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Equal("state_manager is unavailable: its circuit is open after repeated failures", error.Message);
        Assert.Equal("open", error.Error.Details["circuit"]);
        // Retries with backoff would take at least 50 + 100 + 200 ms; an open circuit answers at once.
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(150), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task After_the_break_a_successful_trial_closes_the_circuit()
    {
        using var caller = await StartCallerAsync(breakDuration: TimeSpan.FromMilliseconds(500));
        var client = caller.Services.GetRequiredService<ServiceClient>();
        await using (var blackHole = await SwallowAsync(caller))
        {
            for (var i = 0; i < 12 && client.CircuitOf("state_manager") != CircuitState.Open; i++)
            {
                await Assert.ThrowsAsync<ServiceException>(() =>
                    client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(100) }));
            }
        }

        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        try
        {
            Assert.Equal(CircuitState.Open, client.CircuitOf("state_manager"));
            var watch = Stopwatch.StartNew();
            while (client.CircuitOf("state_manager") != CircuitState.Closed)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the circuit did not close within 10 s of a healthy service");
                try
                {
                    await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "trial" });
                }
                catch (ServiceException ex) when (ex.Code == ErrorCode.Unavailable)
                {
                    await Task.Delay(50);
                }
            }

            Assert.Equal(1, (await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "after" })).Version);
        }
        finally
        {
            await service.StopAsync();
        }
    }

    private async Task<IHost> StartCallerAsync(int? maxRetries = null, TimeSpan? breakDuration = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = nats.ConnectionString,
            [$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.MaxRetries)}"] = (maxRetries ?? 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.BreakDuration)}"] = (breakDuration ?? TimeSpan.FromSeconds(30)).ToString(),
        });
        builder.AddNatsClient(ResourceNames.Nats);
        var caller = builder.Build();
        await caller.StartAsync();
        return caller;
    }

    /// <summary>A subscriber in the service's subjects that never answers: a service that hangs.</summary>
    private static async Task<IAsyncDisposable> SwallowAsync(IHost caller)
    {
        var connection = caller.Services.GetRequiredService<INatsConnection>();
        var subscription = await connection.SubscribeCoreAsync<byte[]>("svc.state_manager.v1.>");
        _ = Task.Run(async () =>
        {
            await foreach (var _ in subscription.Msgs.ReadAllAsync())
            {
            }
        });
        return subscription;
    }
}

using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using Polly.CircuitBreaker;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// The SDK under faults, against a real nats-server: the bus going away, callers giving up, deadlines already
/// spent, a service at capacity or stopping. Every call ends by its deadline with a code that says why.
/// </summary>
public sealed class FaultTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private const string StateManager = "state_manager";
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.StateManager.FindMethodByName("Get");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Put = ContractRegistry.StateManager.FindMethodByName("Put");

    [Fact]
    public async Task With_nats_down_a_call_ends_by_its_deadline_as_unavailable()
    {
        var server = new NatsServerFixture();
        await server.InitializeAsync();
        using var caller = await StartCallerAsync(server.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        var connection = caller.Services.GetRequiredService<INatsConnection>();
        await connection.ConnectAsync();

        await server.DisposeAsync();
        await WaitUntilAsync(() => connection.ConnectionState != NatsConnectionState.Open);
        var watch = Stopwatch.StartNew();
        // Bounded here too, so that the fault shows as a failure rather than a test that never ends.
        var error = await Assert.ThrowsAsync<ServiceException>(() =>
            client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromSeconds(1) })
                .WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains(error.Code, new[] { ErrorCode.Unavailable, ErrorCode.DeadlineExceeded });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the call took {watch.Elapsed} with a 1 s deadline");
    }

    [Fact]
    public async Task Calls_that_time_out_open_the_circuit()
    {
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        await using var blackHole = await SwallowAsync(caller);

        for (var i = 0; i < 12; i++)
        {
            var error = await Assert.ThrowsAsync<ServiceException>(() =>
                client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(150) }));
            Assert.Contains(error.Code, new[] { ErrorCode.DeadlineExceeded, ErrorCode.Unavailable });
        }

        Assert.Equal(CircuitState.Open, client.CircuitOf(StateManager));
    }

    [Fact]
    public async Task A_callers_own_cancellation_neither_opens_nor_closes_the_circuit()
    {
        using var caller = await StartCallerAsync(nats.ConnectionString, breakDuration: TimeSpan.FromMilliseconds(500));
        var client = caller.Services.GetRequiredService<ServiceClient>();
        await using var blackHole = await SwallowAsync(caller);

        // Twelve callers that give up: the service is not to blame, the circuit stays closed.
        for (var i = 0; i < 12; i++)
        {
            using var givesUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromSeconds(5) }, givesUp.Token));
        }

        Assert.Equal(CircuitState.Closed, client.CircuitOf(StateManager));

        // Open it with real timeouts, then let the half-open trial be abandoned by its caller: the service still
        // hangs, so the circuit must not close.
        for (var i = 0; i < 12 && client.CircuitOf(StateManager) != CircuitState.Open; i++)
        {
            await Assert.ThrowsAsync<ServiceException>(() =>
                client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(100) }));
        }

        Assert.Equal(CircuitState.Open, client.CircuitOf(StateManager));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        using (var trialGivesUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromSeconds(5) }, trialGivesUp.Token));
        }

        Assert.NotEqual(CircuitState.Closed, client.CircuitOf(StateManager));
    }

    [Fact]
    public async Task A_deadline_spent_upstream_fails_at_once_and_never_touches_the_breaker()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        try
        {
            using (var spent = new CallContext(Get, null, DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None, TimeProvider.System))
            {
                CallContext.Current = spent;
                for (var i = 0; i < 12; i++)
                {
                    var error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }));
                    Assert.Equal(ErrorCode.DeadlineExceeded, error.Code);
                }

                CallContext.Current = null;
            }

            Assert.Equal(CircuitState.Closed, client.CircuitOf(StateManager));
            Assert.Equal(1, (await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" })).Version);
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task Every_request_carries_its_absolute_deadline_and_one_already_past_it_is_not_executed()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        var connection = caller.Services.GetRequiredService<INatsConnection>();
        try
        {
            var sent = DateTimeOffset.UtcNow;
            await client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "default-deadline" });
            var seen = Assert.Single(probe.Calls, c => c.Key == "default-deadline").Deadline;
            Assert.InRange(seen - sent, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11));

            // A request that waited somewhere until after its deadline: the service answers without running it.
            var headers = new NatsHeaders { [MessagingHeaders.Deadline] = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var reply = await connection.RequestAsync<byte[], byte[]>(
                ServiceSubjects.For(Get), new GetRequest { Key = "stale" }.ToByteArray(), headers, replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });

            Assert.Equal("504", reply.Headers?["Nats-Service-Error-Code"].ToString());
            Assert.DoesNotContain(probe.Calls, c => c.Key == "stale");
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task Past_its_bound_a_service_refuses_at_once_instead_of_queueing()
    {
        using var service = TestService.Build(nats.ConnectionString, handlers => handlers
            .AddHandler<TestService.ScriptedGetHandler>().AddHandler<TestService.PutHandler>()
            .AddHandler<TestService.DeleteHandler>().AddHandler<TestService.ListHandler>()
            .WithMaxConcurrency(1, maxWaiting: 1));
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var listener = LoadTests.RefusalListener(refusals);
        await service.StartAsync();
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        using var done = new CancellationTokenSource();
        try
        {
            var running = client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "hang" }, new CallOptions { Timeout = TimeSpan.FromSeconds(5) }, done.Token);
            var waiting = client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "hang" }, new CallOptions { Timeout = TimeSpan.FromSeconds(5) }, done.Token);
            await WaitUntilAsync(() => service.Services.GetRequiredService<TestService.Probe>().Calls.Count >= 1);

            var watch = Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<ServiceException>(() =>
                client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromSeconds(5) }));

            Assert.Equal(ErrorCode.Unavailable, refused.Code);
            Assert.Contains("at capacity", refused.Message);
            Assert.Equal("100", refused.Error.Details["retry_after_ms"]);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"refusal took {watch.Elapsed}");
            Assert.Contains("full", refusals);
            done.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task Stopping_answers_every_request_in_flight_within_the_stop_token()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();

        var calls = Enumerable.Range(0, 5).Select(i => client.RequestAsync<PutResponse>(
            Put, new PutRequest { Key = "k" }, new CallOptions { Timeout = TimeSpan.FromSeconds(20) })).ToList();
        var hanging = Enumerable.Range(0, 5).Select(i => client.RequestAsync<GetResponse>(
            Get, new GetRequest { Key = "hang" }, new CallOptions { Timeout = TimeSpan.FromSeconds(20), IdempotencyKey = null })).ToList();
        await WaitUntilAsync(() => probe.Calls.Count(c => c.Key == "hang") >= 5);

        var watch = Stopwatch.StartNew();
        using (var stopToken = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await service.StopAsync(stopToken.Token);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"stop took {watch.Elapsed} with a 1 s token");
        foreach (var call in hanging)
        {
            // UNAVAILABLE from the stopping instance (or, for these idempotent calls, from the retries after it).
            var error = await Assert.ThrowsAsync<ServiceException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(ErrorCode.Unavailable, error.Code);
        }

        await Task.WhenAll(calls);
    }

    [Fact]
    public void A_handler_token_that_fires_before_the_clock_agrees_still_means_the_deadline()
    {
        var slow = new SlowClock();
        using var context = new CallContext(Get, null, slow.GetUtcNow().AddMilliseconds(100), CancellationToken.None, slow);

        Assert.True(context.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)));

        Assert.False(context.DeadlinePassed, "the clock was meant to lag behind the timer here");
        Assert.True(context.EndedByDeadline);
    }

    [Fact]
    public async Task A_breaker_option_out_of_range_fails_at_start_up_naming_it()
    {
        using var caller = Caller(nats.ConnectionString, breakDuration: TimeSpan.FromMilliseconds(100));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => caller.StartAsync());

        Assert.Contains("BreakDuration", error.Message);
    }

    [Fact]
    public async Task A_request_larger_than_the_bus_carries_is_invalid_argument()
    {
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();

        var error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(
            Put, new PutRequest { Key = "k", Value = ByteString.CopyFrom(new byte[2 * 1024 * 1024]) }));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("payload", error.Error.Field);
        Assert.True(error.IsPayloadTooLarge);
    }

    [Fact]
    public async Task Only_idempotent_or_idempotency_keyed_calls_are_retried()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        try
        {
            async Task<int> AttemptsAsync(Func<ServiceClient, Task> call)
            {
                // A caller of its own each time, so that one case's failures never open the circuit for the next.
                using var caller = await StartCallerAsync(nats.ConnectionString);
                probe.Calls.Clear();
                var error = await Assert.ThrowsAsync<ServiceException>(() => call(caller.Services.GetRequiredService<ServiceClient>()));
                Assert.Equal(ErrorCode.Unavailable, error.Code);
                return probe.Calls.Count(c => c.Key == "unavailable");
            }

            var retries = new ServiceClientOptions().MaxRetries;
            Assert.Equal(1 + retries, await AttemptsAsync(c => c.RequestAsync<GetResponse>(Get, new GetRequest { Key = "unavailable" })));
            Assert.Equal(1, await AttemptsAsync(c => c.RequestAsync<PutResponse>(Put, new PutRequest { Key = "unavailable" })));
            Assert.Equal(1 + retries, await AttemptsAsync(c => c.RequestAsync<PutResponse>(
                Put, new PutRequest { Key = "unavailable" }, new CallOptions { IdempotencyKey = "once" })));
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task Calls_sent_while_no_instance_is_subscribed_are_answered_by_one_that_subscribes_a_second_later()
    {
        // What a caller sees when the service's NATS node dies: for a moment nobody is subscribed, until the service
        // has reconnected to another node. The retries must outlast that moment.
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        using var service = TestService.Build(nats.ConnectionString);
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        var sent = System.Diagnostics.Stopwatch.StartNew();
        var read = client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "late" });
        // Not idempotent, so retried only because NATS says no instance received it: it must run exactly once.
        var write = client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "late-write" });
        await Task.Delay(TimeSpan.FromSeconds(1));
        await service.StartAsync();
        try
        {
            var answer = await read;
            await write;

            Assert.Equal("late", answer.Key);
            Assert.Single(probe.Calls, c => c.Key == "late-write");
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"answered after {sent.Elapsed}");
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task A_call_made_while_handling_another_inherits_what_is_left_of_its_deadline()
    {
        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        using var caller = await StartCallerAsync(nats.ConnectionString);
        var client = caller.Services.GetRequiredService<ServiceClient>();
        try
        {
            var upstream = DateTimeOffset.UtcNow.AddSeconds(2);
            using (var handling = new CallContext(Get, null, upstream, CancellationToken.None, TimeProvider.System))
            {
                CallContext.Current = handling;
                await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "nested" }, new CallOptions { Timeout = TimeSpan.FromSeconds(30) });
                CallContext.Current = null;
            }

            var seen = Assert.Single(probe.Calls, c => c.Key == "nested").Deadline;
            Assert.InRange(seen, upstream.AddMilliseconds(-1), upstream.AddMilliseconds(1));
        }
        finally
        {
            await service.StopAsync();
        }
    }

    /// <summary>A started host with nothing but the client side of the SDK.</summary>
    private static async Task<IHost> StartCallerAsync(string connectionString, TimeSpan? breakDuration = null)
    {
        var caller = Caller(connectionString, breakDuration);
        await caller.StartAsync();
        return caller;
    }

    private static IHost Caller(string connectionString, TimeSpan? breakDuration = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = connectionString,
            [$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.BreakDuration)}"] = (breakDuration ?? TimeSpan.FromSeconds(3)).ToString(),
        });
        builder.AddNatsClient(ResourceNames.Nats);
        return builder.Build();
    }

    /// <summary>A subscriber in the service's queue group that never answers: a service that hangs.</summary>
    private static async Task<IAsyncDisposable> SwallowAsync(IHost caller)
    {
        var connection = caller.Services.GetRequiredService<INatsConnection>();
        var subscription = await connection.SubscribeCoreAsync<byte[]>($"svc.{StateManager}.v1.>");
        _ = Task.Run(async () =>
        {
            await foreach (var _ in subscription.Msgs.ReadAllAsync())
            {
            }
        });
        return subscription;
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

    /// <summary>A clock at half speed: timers (real time) fire before it says their time has come.</summary>
    private sealed class SlowClock : TimeProvider
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();

        public override DateTimeOffset GetUtcNow() => _start + (_elapsed.Elapsed / 2);
    }
}

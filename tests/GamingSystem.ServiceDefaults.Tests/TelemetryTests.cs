using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// What an operator reads about a service: its log lines (event id, level, text), its spans with their tags, the
/// in-flight gauge, and its $SRV description; and what a raw NATS caller gets when it leaves things out.
/// Alone in its collection: the SDK's meter is process-wide, and other classes' services would move the gauge.
/// </summary>
[Collection(Name)]
public sealed class TelemetryTests(NatsServerFixture nats)
{
    public const string Name = "telemetry";
    private const string GetMethod = "gaming.state_manager.v1.StateManager.Get";
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.StateManager.FindMethodByName("Get");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Put = ContractRegistry.StateManager.FindMethodByName("Put");

    [Fact]
    public async Task The_service_logs_its_start_and_each_refused_rejected_or_failed_request()
    {
        var logs = new CapturedLogs();
        using var service = Build(logs, handlers => handlers.WithMaxConcurrency(1, maxWaiting: 0));
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        try
        {
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "missing" }));
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "boom" }));
            var hanging = client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "hang" }, new CallOptions { Timeout = TimeSpan.FromSeconds(1) });
            await WaitUntilAsync(() => probe.Calls.Any(c => c.Key == "hang"));
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "refused" }));
            await Assert.ThrowsAsync<ServiceException>(() => hanging);
        }
        finally
        {
            await service.StopAsync();
        }

        var host = logs.Entries.Where(e => e.Category == "GamingSystem.ServiceDefaults.Messaging.NatsServiceHost").ToList();
        Assert.Contains(host, e => e is
        {
            EventId: 100, Level: LogLevel.Information,
            Message: "NATS micro service state_manager started: 4 endpoints on svc.state_manager.v1.>, queue group svc-state_manager-workers",
        });
        Assert.Contains(host, e => e is { EventId: 101, Level: LogLevel.Information, Message: $"{GetMethod} rejected with NOT_FOUND: no such key" });
        var failed = Assert.Single(host, e => e.EventId == 102);
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal($"{GetMethod} failed", failed.Message);
        Assert.Equal("secret internals", failed.Exception?.Message);
        var refused = Assert.Single(host, e => e.EventId == 104);
        Assert.Equal(LogLevel.Information, refused.Level);
        Assert.StartsWith("gaming.state_manager.v1.StateManager.Put refused: state_manager is at capacity (1 running, 0 or ", refused.Message);
        Assert.Contains(host, e => e is { EventId: 101, Message: $"{GetMethod} rejected with DEADLINE_EXCEEDED: Get did not finish before the caller's deadline" });
    }

    [Fact]
    public async Task Each_request_is_a_server_span_on_the_callers_trace_tagged_with_its_method_and_outcome()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var source = new ActivitySource("GamingSystem.Tests.Telemetry");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "GamingSystem.Tests.Telemetry" or MessagingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var service = Build();
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        try
        {
            using var parent = source.StartActivity("caller");
            await client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "span-ok" });
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "missing" }));

            var mine = spans.Where(s => s.Source.Name == MessagingTelemetry.ActivitySourceName && s.TraceId == parent!.TraceId).ToList();
            Assert.Equal(2, mine.Count);
            Assert.All(mine, span =>
            {
                Assert.Equal("svc.state_manager.v1.get process", span.DisplayName);
                Assert.Equal(ActivityKind.Server, span.Kind);
                Assert.Equal("nats", span.GetTagItem("rpc.system"));
                Assert.Equal("gaming.state_manager.v1.StateManager", span.GetTagItem("rpc.service"));
                Assert.Equal("Get", span.GetTagItem("rpc.method"));
            });
            Assert.Single(mine, s => s.Status == ActivityStatusCode.Unset && s.GetTagItem("error.type") is null);
            var failed = Assert.Single(mine, s => s.Status == ActivityStatusCode.Error);
            Assert.Equal("no such key", failed.StatusDescription);
            Assert.Equal("NOT_FOUND", failed.GetTagItem("error.type"));
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task The_in_flight_gauge_rises_while_a_request_runs_and_falls_back_after()
    {
        long inFlight = 0;
        long peak = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MessagingTelemetry.MeterName && instrument.Name == "gaming.rpc.server.in_flight")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            var now = Interlocked.Add(ref inFlight, value);
            InterlockedMax(ref peak, now);
        });
        listener.Start();
        using var service = Build();
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "wait" })));
        }
        finally
        {
            await service.StopAsync();
        }

        Assert.True(Interlocked.Read(ref peak) >= 2, $"the gauge peaked at {peak} with three 300 ms requests at once");
        Assert.Equal(0, Interlocked.Read(ref inFlight));
    }

    [Fact]
    public async Task The_micro_service_describes_itself_by_its_proto_service_and_file()
    {
        using var service = Build();
        await service.StartAsync();
        try
        {
            var connection = service.Services.GetRequiredService<INatsConnection>();
            var reply = await connection.RequestAsync<string>("$SRV.INFO.state_manager", replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
            using var info = JsonDocument.Parse(reply.Data!);

            Assert.Equal("gaming.state_manager.v1.StateManager (state_manager.proto)", info.RootElement.GetProperty("description").GetString());
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task A_raw_request_without_a_deadline_or_payload_is_served_with_the_default_deadline()
    {
        using var service = Build();
        await service.StartAsync();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        try
        {
            var connection = service.Services.GetRequiredService<INatsConnection>();
            var before = DateTimeOffset.UtcNow;
            var reply = await connection.RequestAsync<byte[], byte[]>(
                ServiceSubjects.For(Get), [], replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });

            Assert.False(reply.Headers?.ContainsKey("Nats-Service-Error-Code") == true, "the reply is an error");
            Assert.Equal(string.Empty, GetResponse.Parser.ParseFrom(reply.Data ?? []).Key);
            var call = Assert.Single(probe.Calls);
            Assert.Equal(string.Empty, call.Key);
            Assert.InRange(call.Deadline, before + MessagingHeaders.DefaultTimeout, DateTimeOffset.UtcNow + MessagingHeaders.DefaultTimeout);
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task A_malformed_payload_names_the_message_it_should_have_been()
    {
        using var service = Build();
        await service.StartAsync();
        try
        {
            var connection = service.Services.GetRequiredService<INatsConnection>();
            var reply = await connection.RequestAsync<byte[], byte[]>(ServiceSubjects.For(Get), [0x0A, 0xFF, 0xFF, 0xFF]);
            var error = Error.Parser.ParseFrom(reply.Data);

            Assert.StartsWith("payload: not a valid gaming.state_manager.v1.GetRequest: ", error.Message);
            Assert.Equal("400", reply.Headers?["Nats-Service-Error-Code"].ToString());
            Assert.Equal(error.Message, reply.Headers?["Nats-Service-Error"].ToString());
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task An_unexpected_failure_says_which_method_failed_and_gives_the_trace_to_look_up()
    {
        using var source = new ActivitySource("GamingSystem.Tests.Internal");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "GamingSystem.Tests.Internal" or MessagingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var service = Build();
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        try
        {
            using var parent = source.StartActivity("caller");
            var error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "boom" }));

            Assert.Equal(ErrorCode.Internal, error.Code);
            Assert.Equal($"Get failed unexpectedly (trace {parent!.TraceId})", error.Message);
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task A_stopping_service_refuses_what_arrives_and_says_to_retry_elsewhere()
    {
        var logs = new CapturedLogs();
        using var service = Build(logs, handlers => handlers.WithMaxConcurrency(1, maxWaiting: 4));
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        var probe = service.Services.GetRequiredService<TestService.Probe>();
        var running = client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "hang" }, new CallOptions { Timeout = TimeSpan.FromSeconds(20) });
        await WaitUntilAsync(() => probe.Calls.Any(c => c.Key == "hang"));
        var waiting = client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "waiting" }, new CallOptions { Timeout = TimeSpan.FromSeconds(20) });
        // The put is waiting for the slot once the endpoint has counted it ($SRV.STATS), since its handler cannot start.
        var connection = service.Services.GetRequiredService<INatsConnection>();
        await WaitUntilAsync(async () => await RequestsSeenAsync(connection, "put") >= 1);

        using (var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            await service.StopAsync(stop.Token);
        }

        var waitingError = await Assert.ThrowsAsync<ServiceException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        var runningError = await Assert.ThrowsAsync<ServiceException>(() => running.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(ErrorCode.Unavailable, waitingError.Code);
        Assert.Equal("state_manager is stopping; retry on another instance", waitingError.Message);
        Assert.Equal("0", waitingError.Error.Details[ServiceException.RetryAfterDetail]);
        Assert.Equal(ErrorCode.Unavailable, runningError.Code);
        Assert.Contains("state_manager stopped before Get finished; retry on another instance", runningError.Message);
        Assert.DoesNotContain(probe.Calls, c => c.Key == "waiting");
    }

    [Fact]
    public async Task The_stats_data_of_an_endpoint_times_each_request_to_its_reply_and_counts_server_errors_apart()
    {
        using var service = Build();
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ServiceClient>();
        try
        {
            await client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "wait" });
            await client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "wait" });
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "missing" }));
            await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "boom" }));

            var connection = service.Services.GetRequiredService<INatsConnection>();
            var reply = await connection.RequestAsync<string>("$SRV.STATS.state_manager", replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
            using var stats = JsonDocument.Parse(reply.Data!);
            var get = stats.RootElement.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "get");
            var data = get.GetProperty("data");

            Assert.Equal(4, data.GetProperty(EndpointLoad.CompletedField).GetInt64());
            Assert.Equal(1, data.GetProperty(EndpointLoad.ServerErrorsField).GetInt64());
            Assert.Equal(2, get.GetProperty("num_errors").GetInt64());
            // Two requests of 300 ms each (a timer may fire a little early).
            Assert.InRange(data.GetProperty(EndpointLoad.TotalTimeField).GetInt64(), 550_000_000, 60_000_000_000);
            // What NATS.Client.Services itself measures: only the hand-over, which is why the data is there.
            Assert.True(get.GetProperty("processing_time").GetInt64() < 300_000_000, get.ToString());
        }
        finally
        {
            await service.StopAsync();
        }
    }

    private IHost Build(CapturedLogs? logs = null, Action<NatsServiceBuilder>? limits = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = nats.ConnectionString,
            // One attempt per call, so that a refusal or stop is what the test sees, not a retry's outcome.
            [$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.MaxRetries)}"] = "0",
        });
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }

        builder.AddNatsClient(ResourceNames.Nats);
        builder.Services.AddSingleton<TestService.Probe>();
        var service = builder.AddNatsService(ContractRegistry.StateManager)
            .AddHandler<TestService.ScriptedGetHandler>().AddHandler<TestService.PutHandler>()
            .AddHandler<TestService.DeleteHandler>().AddHandler<TestService.ListHandler>();
        limits?.Invoke(service);
        return builder.Build();
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task<long> RequestsSeenAsync(INatsConnection connection, string endpoint)
    {
        var reply = await connection.RequestAsync<string>("$SRV.STATS.state_manager", replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        using var stats = JsonDocument.Parse(reply.Data!);
        return stats.RootElement.GetProperty("endpoints").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == endpoint)
            .GetProperty("num_requests").GetInt64();
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached within 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}

[CollectionDefinition(TelemetryTests.Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<NatsServerFixture>;

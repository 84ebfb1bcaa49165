using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>The SDK end to end over a real nats-server: handlers, errors both ways, deadlines, concurrency, tracing.</summary>
public sealed class MessagingRoundTripTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.StateManager.FindMethodByName("Get");
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = TestService.Build(nats.ConnectionString);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private ServiceClient Client => _host.Services.GetRequiredService<ServiceClient>();

    private TestService.Probe Probe => _host.Services.GetRequiredService<TestService.Probe>();

    [Fact]
    public async Task A_reply_comes_back_as_the_typed_response()
    {
        var reply = await Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "hello" });

        Assert.Equal("hello", reply.Key);
        Assert.Equal("v", reply.Value.ToStringUtf8());
    }

    [Fact]
    public async Task An_empty_response_is_a_valid_reply()
    {
        var reply = await Client.RequestAsync<ListResponse>(ContractRegistry.StateManager.FindMethodByName("List"), new ListRequest());

        Assert.Empty(reply.Entries);
        Assert.Equal(0, reply.CalculateSize());
    }

    [Fact]
    public async Task A_handler_error_reaches_the_caller_with_code_message_and_details()
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "conflict" }));

        Assert.Equal(ErrorCode.FailedPrecondition, error.Code);
        Assert.Equal("version mismatch", error.Message);
        Assert.Equal("7", error.Error.Details["current_version"]);
    }

    [Fact]
    public async Task An_unexpected_exception_becomes_internal_without_leaking_its_message()
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "boom" }));

        Assert.Equal(ErrorCode.Internal, error.Code);
        Assert.DoesNotContain("secret internals", error.Message);
    }

    [Fact]
    public async Task A_malformed_payload_is_invalid_argument_as_a_nats_micro_error()
    {
        var connection = _host.Services.GetRequiredService<INatsConnection>();

        var reply = await connection.RequestAsync<byte[], byte[]>("svc.state_manager.v1.get", [0x0A, 0xFF, 0xFF, 0xFF]);

        Assert.NotNull(reply.Headers);
        Assert.Equal("400", reply.Headers!["Nats-Service-Error-Code"].ToString());
        var error = Error.Parser.ParseFrom(reply.Data);
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("payload", error.Field);
    }

    [Fact]
    public async Task A_call_past_its_deadline_is_deadline_exceeded_and_the_handler_is_cancelled()
    {
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServiceException>(() =>
            Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "hang" }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal(ErrorCode.DeadlineExceeded, error.Code);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        var call = Assert.Single(Probe.Calls, c => c.Key == "hang");
        Assert.True(call.Deadline < DateTimeOffset.UtcNow, "the handler saw the caller's deadline");
    }

    [Fact]
    public async Task No_running_service_is_unavailable_at_once()
    {
        await _host.StopAsync();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServiceException>(() =>
            Client.RequestAsync<PutResponse>(ContractRegistry.StateManager.FindMethodByName("Put"), new PutRequest { Key = "k" }));

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("svc.state_manager.v1.put", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Requests_are_handled_concurrently_by_one_instance()
    {
        var calls = Enumerable.Range(0, 32).Select(_ => Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "wait" }));

        await Task.WhenAll(calls);

        // One-at-a-time processing (NATS.Client.Services alone) would never have two handlers running.
        Assert.True(Probe.MaxRunning >= 8, $"at most {Probe.MaxRunning} handlers ran at once");
    }

    [Fact]
    public async Task The_player_and_idempotency_key_reach_the_handler()
    {
        await Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "who" }, new CallOptions { PlayerId = "player-7", Timeout = TimeSpan.FromSeconds(3) });

        var call = Assert.Single(Probe.Calls, c => c.Key == "who");
        Assert.Equal("player-7", call.PlayerId);
        Assert.InRange(call.Deadline, DateTimeOffset.UtcNow.AddSeconds(1), DateTimeOffset.UtcNow.AddSeconds(3));
    }

    [Fact]
    public async Task Without_a_timeout_the_handler_sees_the_default_deadline()
    {
        await Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "default-deadline" });

        var call = Assert.Single(Probe.Calls, c => c.Key == "default-deadline");
        Assert.InRange(call.Deadline, DateTimeOffset.UtcNow.AddSeconds(8), DateTimeOffset.UtcNow.Add(MessagingHeaders.DefaultTimeout));
    }

    [Fact]
    public async Task Trace_context_flows_from_caller_to_handler()
    {
        using var source = new ActivitySource("GamingSystem.Tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "GamingSystem.Tests" or MessagingTelemetry.ActivitySourceName or "NATS.Net",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using (var parent = source.StartActivity("caller"))
        {
            await Client.RequestAsync<GetResponse>(Get, new GetRequest { Key = "traced" });
            var call = Assert.Single(Probe.Calls, c => c.Key == "traced");
            Assert.Equal(parent!.TraceId, call.TraceId);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>
/// The state-manager contract served by handlers whose behaviour the key chooses, so the SDK can be driven
/// through every path over a real NATS server.
/// </summary>
internal static class TestService
{
    public static IHost Build(string natsConnectionString, Action<NatsServiceBuilder>? handlers = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:nats"] = natsConnectionString });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.Services.AddSingleton<Probe>();
        var service = builder.AddNatsService(ContractRegistry.StateManager);
        if (handlers is null)
        {
            service.AddHandler<ScriptedGetHandler>().AddHandler<PutHandler>().AddHandler<DeleteHandler>().AddHandler<ListHandler>();
        }
        else
        {
            handlers(service);
        }

        return builder.Build();
    }

    /// <summary>What the handlers saw, for the tests to assert on.</summary>
    public sealed class Probe
    {
        private int _running;
        private int _maxRunning;

        public ConcurrentQueue<(string Key, ActivityTraceId? TraceId, string? PlayerId, DateTimeOffset Deadline)> Calls { get; } = new();

        public int MaxRunning => Volatile.Read(ref _maxRunning);

        public IDisposable Enter()
        {
            var now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
            {
            }

            return new Exit(this);
        }

        private sealed class Exit(Probe probe) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref probe._running);
        }
    }

    public sealed class ScriptedGetHandler(Probe probe) : IServiceHandler<GetRequest, GetResponse>
    {
        public async ValueTask<GetResponse> HandleAsync(GetRequest request, CallContext context)
        {
            using var running = probe.Enter();
            probe.Calls.Enqueue((request.Key, Activity.Current?.TraceId, context.PlayerId, context.Deadline));
            switch (request.Key)
            {
                case "missing":
                    throw ServiceException.NotFound("no such key");
                case "conflict":
                    throw ServiceException.FailedPrecondition("version mismatch", new Dictionary<string, string> { ["current_version"] = "7" });
                case "unavailable":
                    throw ServiceException.Unavailable("try again");
                case "boom":
                    throw new InvalidOperationException("secret internals");
                case "hang":
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
                case "wait":
                    await Task.Delay(300, context.CancellationToken);
                    break;
            }

            return new GetResponse { Key = request.Key, Value = ByteString.CopyFromUtf8("v"), Version = 1 };
        }
    }

    public sealed class PutHandler(Probe probe) : IServiceHandler<PutRequest, PutResponse>
    {
        public ValueTask<PutResponse> HandleAsync(PutRequest request, CallContext context)
        {
            probe.Calls.Enqueue((request.Key, Activity.Current?.TraceId, context.PlayerId, context.Deadline));
            return request.Key == "unavailable"
                ? throw ServiceException.Unavailable("try again")
                : ValueTask.FromResult(new PutResponse { Key = request.Key, Version = request.ExpectedVersion + 1 });
        }
    }

    public sealed class DeleteHandler : IServiceHandler<DeleteRequest, DeleteResponse>
    {
        public ValueTask<DeleteResponse> HandleAsync(DeleteRequest request, CallContext context) =>
            ValueTask.FromResult(new DeleteResponse { Key = request.Key, Deleted = true });
    }

    public sealed class ListHandler : IServiceHandler<ListRequest, ListResponse>
    {
        public ValueTask<ListResponse> HandleAsync(ListRequest request, CallContext context) =>
            ValueTask.FromResult(new ListResponse());
    }

    /// <summary>Implements no method of the contract: types that match nothing.</summary>
    public sealed class StrayHandler : IServiceHandler<PutResponse, GetRequest>
    {
        public ValueTask<GetRequest> HandleAsync(PutResponse request, CallContext context) => ValueTask.FromResult(new GetRequest());
    }
}

using GamingSystem.Contracts;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// The state-manager contract served over the real nats-server by handlers whose behaviour the key chooses, so
/// that every way a call can end is reachable through the gateway.
/// </summary>
internal static class Backend
{
    public static async Task<IHost> StartAsync(string natsConnectionString, int? maxConcurrency = null, int? maxWaiting = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{ResourceNames.Nats}"] = natsConnectionString });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.Services.AddSingleton<Started>();
        var service = builder.AddNatsService(ContractRegistry.StateManager)
            .AddHandler<GetHandler>().AddHandler<PutHandler>().AddHandler<DeleteHandler>().AddHandler<ListHandler>();
        if (maxConcurrency is { } max)
        {
            service.WithMaxConcurrency(max, maxWaiting);
        }

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Counts the handlers that began, so a test can wait until a call is really running.</summary>
    public sealed class Started
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    public sealed class GetHandler(Started started) : IServiceHandler<GetRequest, GetResponse>
    {
        public async ValueTask<GetResponse> HandleAsync(GetRequest request, CallContext context)
        {
            started.Add();
            switch (request.Key)
            {
                case "missing":
                    throw ServiceException.NotFound("no state under key 'missing'");
                case "conflict":
                    throw ServiceException.FailedPrecondition("key 'conflict' is at version 7, not 6", new Dictionary<string, string> { ["current_version"] = "7" });
                case "bad":
                    throw ServiceException.InvalidArgument("key", "is not allowed here");
                case "boom":
                    throw new InvalidOperationException("secret internals");
                case "hang":
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
                case "deadline":
                    // What the service was told: how long it has left, in whole seconds, as the value.
                    var left = (long)(context.Deadline - DateTimeOffset.UtcNow).TotalSeconds;
                    return new GetResponse { Key = request.Key, Value = ByteString.CopyFromUtf8(left.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            }

            return new GetResponse { Key = request.Key, Value = ByteString.CopyFromUtf8("hi"), Version = 3 };
        }
    }

    public sealed class PutHandler(Started started) : IServiceHandler<PutRequest, PutResponse>
    {
        public async ValueTask<PutResponse> HandleAsync(PutRequest request, CallContext context)
        {
            started.Add();
            if (request.Key == "hang")
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }

            return new PutResponse { Key = request.Key, Version = request.ExpectedVersion + request.Value.Length + request.TtlSeconds };
        }
    }

    public sealed class DeleteHandler : IServiceHandler<DeleteRequest, DeleteResponse>
    {
        public ValueTask<DeleteResponse> HandleAsync(DeleteRequest request, CallContext context) =>
            ValueTask.FromResult(new DeleteResponse { Key = request.Key, Deleted = request.ExpectedVersion == 4 });
    }

    public sealed class ListHandler : IServiceHandler<ListRequest, ListResponse>
    {
        public ValueTask<ListResponse> HandleAsync(ListRequest request, CallContext context)
        {
            var response = new ListResponse { NextPageToken = request.PageToken + "-next" };
            response.Entries.Add(new ListResponse.Types.Entry { Key = request.Prefix, Version = request.PageSize });
            return ValueTask.FromResult(response);
        }
    }
}

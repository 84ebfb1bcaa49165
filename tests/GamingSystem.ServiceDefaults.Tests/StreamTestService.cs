using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.ServiceDefaults.Tests.SdkTest.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>The test-only SdkTest contract served in-process, with a probe that records what the stream handler did.</summary>
internal static class StreamTestService
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Service { get; } = SdkTestReflection.Descriptor.Services.Single();

    public static Google.Protobuf.Reflection.MethodDescriptor Count { get; } = Service.FindMethodByName("Count");

    public static Google.Protobuf.Reflection.MethodDescriptor Ping { get; } = Service.FindMethodByName("Ping");

    public static IHost Build(string natsConnectionString, Action<NatsServiceBuilder>? handlers = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:nats"] = natsConnectionString });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.Services.AddSingleton<Probe>();
        var service = builder.AddNatsService(Service);
        (handlers ?? (s => s.AddHandler<CountHandler>().AddHandler<PingHandler>()))(service);
        return builder.Build();
    }

    public static async Task<IHost> StartAsync(string natsConnectionString, Action<NatsServiceBuilder>? handlers = null)
    {
        var host = Build(natsConnectionString, handlers);
        await host.StartAsync();
        return host;
    }

    /// <summary>A caller in a host of its own, with its own NATS connection, as another service would be.</summary>
    public static async Task<IHost> StartCallerAsync(string natsConnectionString, int? window = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:nats"] = natsConnectionString };
        if (window is { } size)
        {
            settings[$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.StreamWindow)}"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNatsClient(ResourceNames.Nats);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>What the stream handler did, in counts and moments, for the tests to assert on.</summary>
    public sealed class Probe
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<long> _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _produced;
        private int _taken;
        private int _maxLead;

        public int Produced => Volatile.Read(ref _produced);

        /// <summary>The furthest the handler got ahead of what the test's reader had taken, in chunks.</summary>
        public int MaxLead => Volatile.Read(ref _maxLead);

        public ActivityTraceId? TraceId { get; private set; }

        public Task Started => _started.Task;

        /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which the handler's token fired.</summary>
        public Task<long> Cancelled => _cancelled.Task;

        /// <summary>The test's reader has taken one more chunk.</summary>
        public void Take() => Interlocked.Increment(ref _taken);

        /// <summary>Completes once the test's reader has taken this many chunks.</summary>
        public async Task TakenAsync(int count, CancellationToken cancellationToken)
        {
            while (Volatile.Read(ref _taken) < count)
            {
                await Task.Delay(1, cancellationToken);
            }
        }

        public void Start(CallContext context)
        {
            TraceId = Activity.Current?.TraceId;
            context.CancellationToken.Register(() => _cancelled.TrySetResult(Stopwatch.GetTimestamp()));
            _started.TrySetResult();
        }

        public void Produce()
        {
            var lead = Interlocked.Increment(ref _produced) - Volatile.Read(ref _taken);
            int seen;
            while (lead > (seen = Volatile.Read(ref _maxLead)) && Interlocked.CompareExchange(ref _maxLead, lead, seen) != seen)
            {
            }
        }
    }

    public sealed class CountHandler(Probe probe) : IStreamHandler<CountRequest, CountChunk>
    {
        public async IAsyncEnumerable<CountChunk> HandleAsync(CountRequest request, CallContext context)
        {
            probe.Start(context);
            for (var n = 1; n <= request.Count; n++)
            {
                if (n == request.FailAt)
                {
                    throw ServiceException.FailedPrecondition($"chunk {n} cannot be made", new Dictionary<string, string> { ["at"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }

                if (n == request.StallAt)
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }

                if (request.DelayMs > 0)
                {
                    await Task.Delay(request.DelayMs, context.CancellationToken);
                }

                if (request.Lockstep && n > 1)
                {
                    await probe.TakenAsync(n - 1, context.CancellationToken);
                }

                if (request.BusyMs > 0)
                {
                    Thread.Sleep(request.BusyMs);
                }

                probe.Produce();
                yield return new CountChunk { N = n, Payload = request.Payload };
            }
        }
    }

    public sealed class PingHandler : IServiceHandler<PingRequest, PingReply>
    {
        public ValueTask<PingReply> HandleAsync(PingRequest request, CallContext context) => ValueTask.FromResult(new PingReply { Count = request.Count });
    }

    /// <summary>A unary handler with the stream's types: must be refused for Count.</summary>
    public sealed class CountHandlerThatIsUnary : IServiceHandler<CountRequest, CountChunk>
    {
        public ValueTask<CountChunk> HandleAsync(CountRequest request, CallContext context) => ValueTask.FromResult(new CountChunk());
    }

    /// <summary>A stream handler with the unary method's types: must be refused for Ping.</summary>
    public sealed class PingHandlerThatStreams : IStreamHandler<PingRequest, PingReply>
    {
        public async IAsyncEnumerable<PingReply> HandleAsync(PingRequest request, CallContext context)
        {
            await Task.CompletedTask;
            yield return new PingReply();
        }
    }
}

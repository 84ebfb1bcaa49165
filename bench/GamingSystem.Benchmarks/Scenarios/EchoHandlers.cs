using GamingSystem.Benchmarks.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>Bench.Echo: the reply shares the request's immutable bytes, so the handler itself costs next to nothing.</summary>
internal sealed class EchoHandler : IServiceHandler<EchoRequest, EchoReply>
{
    public ValueTask<EchoReply> HandleAsync(EchoRequest request, CallContext context) =>
        ValueTask.FromResult(new EchoReply { Data = request.Data });
}

/// <summary>Bench.EchoSlow: stands in for a handler that makes one Redis round trip before it answers.</summary>
internal sealed class EchoSlowHandler : IServiceHandler<EchoRequest, EchoReply>
{
    private static readonly TimeSpan RedisRoundTrip = TimeSpan.FromMilliseconds(1);

    public async ValueTask<EchoReply> HandleAsync(EchoRequest request, CallContext context)
    {
        await Task.Delay(RedisRoundTrip, context.CancellationToken).ConfigureAwait(false);
        return new EchoReply { Data = request.Data };
    }
}

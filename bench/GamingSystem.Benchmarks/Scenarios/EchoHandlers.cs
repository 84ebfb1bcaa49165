using GamingSystem.Benchmarks.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>Bench.Echo: the reply shares the request's immutable bytes, so the handler itself costs next to nothing.</summary>
internal sealed class EchoHandler : IServiceHandler<EchoRequest, EchoReply>
{
    public ValueTask<EchoReply> HandleAsync(EchoRequest request, CallContext context) =>
        ValueTask.FromResult(new EchoReply { Data = request.Data });
}

/// <summary>
/// Bench.EchoSlow: stands in for a handler that makes one 1 ms I/O call (a Redis round trip) before it answers.
/// Like StackExchange.Redis's calls, the wait takes no cancellation token, so the handler never asks for
/// <see cref="CallContext.CancellationToken"/>.
/// </summary>
internal sealed class EchoSlowHandler : IServiceHandler<EchoRequest, EchoReply>
{
    public async ValueTask<EchoReply> HandleAsync(EchoRequest request, CallContext context)
    {
        await PreciseWait.OneMillisecond.WaitAsync().ConfigureAwait(false);
        return new EchoReply { Data = request.Data };
    }
}

/// <summary>Bench.Stream: the same chunk, <c>count</c> times, so the stream's own machinery is what is measured.</summary>
internal sealed class StreamHandler : IStreamHandler<StreamRequest, EchoReply>
{
    public async IAsyncEnumerable<EchoReply> HandleAsync(StreamRequest request, CallContext context)
    {
        // Completed at once: the iterator needs an await to be async, and this one costs nothing.
        await Task.CompletedTask.ConfigureAwait(false);
        var chunk = new EchoReply { Data = request.Data };
        for (var i = 0; i < request.Count; i++)
        {
            yield return chunk;
        }
    }
}

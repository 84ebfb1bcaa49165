using System.Globalization;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Polly;

namespace GamingSystem.ServiceDefaults.Messaging;

public sealed partial class ServiceClient
{
    /// <summary>
    /// Calls a server-streaming method and yields its chunks in order. Nothing is sent until enumeration starts.
    /// The service never runs more than <see cref="ServiceClientOptions.StreamWindow"/> chunks ahead of the reader;
    /// the call ends by its deadline, or with DEADLINE_EXCEEDED when no chunk comes for the idle timeout. Breaking
    /// out of the loop, or cancelling, cancels the handler. Errors are <see cref="ServiceException"/>s, also when
    /// they come after some chunks. Only opening the stream is retried (idempotent calls, on UNAVAILABLE): once a
    /// chunk has arrived, a retry would repeat it.
    /// </summary>
    public IAsyncEnumerable<TResponse> StreamAsync<TResponse>(MethodDescriptor method, IMessage request, CallOptions? options = null, CancellationToken cancellationToken = default)
        where TResponse : IMessage
    {
        CheckArguments(method, request, streaming: true);
        return ReadStreamAsync<TResponse>(Info(method), request, options ?? CallOptions.Default, cancellationToken);
    }

    private async IAsyncEnumerable<TResponse> ReadStreamAsync<TResponse>(
        MethodInfo info, IMessage request, CallOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TResponse : IMessage
    {
        var stream = await OpenStreamAsync(NewCall(info, request, options, cancellationToken)).ConfigureAwait(false);
        try
        {
            while (await stream.ReadAsync().ConfigureAwait(false) is { } chunk)
            {
                yield return (TResponse)chunk;
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Opening is the one part of a stream that goes through the breaker and, for idempotent calls, retries.</summary>
    private async Task<ClientStream> OpenStreamAsync(Call call)
    {
        var context = ResilienceContextPool.Shared.Get(call.CallerToken);
        try
        {
            Outcome<ClientStream> outcome;
            if (call.Info.Idempotent || call.Options.IdempotencyKey is not null)
            {
                context.Properties.Set(DeadlineKey, call.Deadline);
                outcome = await _retried.ExecuteOutcomeAsync(
                    static (ctx, c) => c.ThroughBreakerAsync(ctx, static (c, token) => c.Client.OpenStreamOnceAsync(c, token)),
                    context,
                    call).ConfigureAwait(false);
            }
            else
            {
                outcome = await call.ThroughBreakerAsync(context, static (c, token) => c.Client.OpenStreamOnceAsync(c, token)).ConfigureAwait(false);
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            throw ServiceException.DeadlineExceeded($"{call.Info.Method.FullName} did not open its stream within the deadline");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<ClientStream> OpenStreamOnceAsync(Call call, CancellationToken attemptToken)
    {
        var headers = Headers(call);
        headers[StreamProtocol.Window] = _options.StreamWindow.ToString(CultureInfo.InvariantCulture);
        var stream = new ClientStream(_nats, call, _options.StreamWindow, call.Options.IdleTimeout ?? _options.StreamIdleTimeout, _time);
        try
        {
            await stream.OpenAsync(headers, attemptToken).ConfigureAwait(false);
            return stream;
        }
        catch (Exception ex)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            // NATS's own failures (no responders, too large, an attempt's timeout) become coded errors, as in a unary call.
            if (Map(call, ex) is { } mapped && !ReferenceEquals(mapped, ex))
            {
                throw mapped;
            }

            throw;
        }
    }
}

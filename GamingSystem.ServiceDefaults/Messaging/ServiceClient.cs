using System.Collections.Concurrent;
using System.Globalization;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Calls a proto method over NATS request/reply: protobuf payloads, the caller's deadline in a header (and as
/// the reply timeout), a circuit breaker per target service, and retries with jittered backoff inside a Polly
/// timeout for the whole call: of idempotent calls when no instance answers, and of any call when NATS says its
/// request reached no instance at all. Every failure surfaces as a
/// <see cref="ServiceException"/> with an error code.
/// </summary>
public sealed partial class ServiceClient
{
    private const string CircuitDetail = "circuit";
    private static readonly ResiliencePropertyKey<DateTimeOffset> DeadlineKey = new("gaming.deadline");

    private readonly INatsConnection _nats;
    private readonly CallerProofs? _proofs;
    private readonly BusDenials? _denials;
    private readonly TimeProvider _time;
    private readonly ServiceClientOptions _options;
    private readonly ResiliencePipeline _retried;
    private readonly ResiliencePipeline _retriedUndelivered;
    private readonly ConcurrentDictionary<string, ServiceBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodDescriptor, MethodInfo> _methods = new();

    internal BusDenials? Denials => _denials;

    public ServiceClient(INatsConnection nats, TimeProvider time, IOptions<ServiceClientOptions> options, CallerProofs? proofs = null, BusDenials? denials = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _nats = nats;
        _proofs = proofs;
        _denials = denials;
        _time = time;
        _options = options.Value;
        // Only "nobody answered" is worth another try (a reply with an error is the answer), and not while the
        // target's circuit is open; a call that is not idempotent only when NATS says it reached nobody.
        _retried = RetryPipeline(time, e => e.Code == ErrorCode.Unavailable && !e.Error.Details.ContainsKey(CircuitDetail));
        _retriedUndelivered = RetryPipeline(time, e => e.Undelivered && !e.Error.Details.ContainsKey(CircuitDetail));
    }

    private ResiliencePipeline RetryPipeline(TimeProvider time, Func<ServiceException, bool> retried) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(Remaining(args.Context)) })
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                ShouldHandle = new PredicateBuilder().Handle<ServiceException>(e => _options.MaxRetries > 0 && retried(e)),
            })
            .Build();

    public Task<TResponse> RequestAsync<TResponse>(MethodDescriptor method, IMessage request, CallOptions? options = null, CancellationToken cancellationToken = default)
        where TResponse : IMessage =>
        CallAsync<TResponse>(method, request, options, cancellationToken);

    public Task<IMessage> RequestAsync(MethodDescriptor method, IMessage request, CallOptions? options = null, CancellationToken cancellationToken = default) =>
        CallAsync<IMessage>(method, request, options, cancellationToken);

    /// <summary>
    /// One async method for the whole call: every extra layer that suspends on the reply costs a state machine
    /// and a resumption per call. A one-shot call to a service whose circuit is closed goes straight to NATS and
    /// then reports its outcome to the service's Polly breaker; anything else runs through Polly.
    /// </summary>
    private async Task<TResponse> CallAsync<TResponse>(MethodDescriptor method, IMessage request, CallOptions? options, CancellationToken cancellationToken)
        where TResponse : IMessage
    {
        CheckArguments(method, request, streaming: false);
        options ??= CallOptions.Default;
        var info = Info(method);
        var call = NewCall(info, request, options, cancellationToken);
        var measured = MessagingTelemetry.ClientDuration.Enabled;
        var started = measured ? _time.GetTimestamp() : 0;
        var code = ErrorCode.Unspecified;
        try
        {
            if (!info.Idempotent && options.IdempotencyKey is null && info.Breaker.IsClosed)
            {
                // One attempt, circuit closed: the reply timeout is the deadline, so no timeout strategy is needed.
                ServiceException? failure = null;
                IMessage? reply = null;
                using var watch = _denials?.Start(info.Subject, cancellationToken);
                try
                {
                    reply = Unwrap(info, await SendCoreAsync(call, watch?.Token ?? cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (watch?.Refusal is { } refusal && ex is OperationCanceledException or NatsException)
                {
                    failure = BusDenials.Denied(info.Subject, refusal);
                }
                catch (Exception ex) when (Map(call, ex) is { } mapped)
                {
                    failure = mapped;
                }

                if (failure is { Undelivered: true } && _options.MaxRetries > 0)
                {
                    // Nobody was subscribed (an instance restarting, or reconnecting after its NATS node died): try
                    // again; the circuit hears of it only if the retries fail too.
                    return (TResponse)await ResilientAsync(call, cancellationToken).ConfigureAwait(false);
                }

                await info.Breaker.ReportAsync(failure).ConfigureAwait(false);

                return failure is null ? (TResponse)reply! : throw failure;
            }

            return (TResponse)await ResilientAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException ex)
        {
            code = ex.Code;
            throw;
        }
        finally
        {
            if (measured)
            {
                MessagingTelemetry.ClientDuration.Record(
                    _time.GetElapsedTime(started).TotalSeconds,
                    new("rpc.service", info.ServiceName),
                    new("rpc.method", method.Name),
                    new("rpc.response.status_code", ErrorCodes.ToName(code)));
            }
        }
    }

    private static void CheckArguments(MethodDescriptor method, IMessage request, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Descriptor != method.InputType)
        {
            throw new ArgumentException($"{method.FullName} takes {method.InputType.FullName}, not {request.Descriptor.FullName}.", nameof(request));
        }

        if (method.IsServerStreaming != streaming)
        {
            throw new ArgumentException(
                streaming ? $"{method.FullName} returns one message: call RequestAsync." : $"{method.FullName} returns a stream: call StreamAsync.",
                nameof(method));
        }
    }

    /// <summary>A call with its absolute deadline, refused before anything is sent if that deadline has already passed.</summary>
    private Call NewCall(MethodInfo info, IMessage request, CallOptions options, CancellationToken cancellationToken)
    {
        var deadline = Deadline(options);
        if (deadline <= _time.GetUtcNow())
        {
            // The caller's own deadline passed (an upstream call ran out of time): nothing was sent, so the target
            // service is neither failing nor healthy, and its breaker must not hear of it.
            throw ServiceException.DeadlineExceeded($"{info.Method.FullName}: the deadline passed before the call was sent");
        }

        return new Call(this, info, request, options, deadline, cancellationToken);
    }

    /// <summary>
    /// Retried calls, and calls that are not idempotent while the target's circuit is not closed (open: fail at
    /// once; half-open: the trial) or once their first attempt reached nobody.
    /// </summary>
    private async Task<IMessage> ResilientAsync(Call call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(DeadlineKey, call.Deadline);
            var pipeline = call.Info.Idempotent || call.Options.IdempotencyKey is not null ? _retried : _retriedUndelivered;
            var outcome = await pipeline.ExecuteOutcomeAsync(static (ctx, c) => c.ThroughBreakerAsync(ctx), context, call).ConfigureAwait(false);
            if (outcome.Exception is ServiceException { Undelivered: true } undelivered && call.Info.Breaker.IsClosed)
            {
                // Attempts that reached nobody are not counted one by one (retries would open the circuit during a
                // moment's reconnection); the call that reached nobody at all is.
                await call.Info.Breaker.ReportAsync(undelivered).ConfigureAwait(false);
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        catch (TimeoutRejectedException)
        {
            throw ServiceException.DeadlineExceeded($"{call.Info.Method.FullName} did not answer within the deadline");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private MethodInfo Info(MethodDescriptor method) =>
        _methods.TryGetValue(method, out var info)
            ? info
            : _methods.GetOrAdd(method, static (m, self) => new MethodInfo(m, self.BreakerFor(ServiceSubjects.ServiceName(m.Service))), this);

    /// <summary>The call's absolute deadline, which the service is always told, so that nobody works for a caller that gave up.</summary>
    private DateTimeOffset Deadline(CallOptions options)
    {
        var own = _time.GetUtcNow() + (options.Timeout ?? _options.DefaultTimeout);
        // A call made while handling another inherits what is left of that call's deadline.
        return CallContext.Current?.Deadline is { } parent && parent < own ? parent : own;
    }

    private TimeSpan Remaining(ResilienceContext context)
    {
        var remaining = context.Properties.GetValue(DeadlineKey, _time.GetUtcNow()) - _time.GetUtcNow();
        return remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>The circuit of a target service, as the breaker sees it (closed until it is first called).</summary>
    internal Polly.CircuitBreaker.CircuitState CircuitOf(string service) =>
        _breakers.TryGetValue(service, out var breaker) ? breaker.State : Polly.CircuitBreaker.CircuitState.Closed;

    private ServiceBreaker BreakerFor(string service) =>
        _breakers.GetOrAdd(service, static (_, self) => new ServiceBreaker(self._time, self._options.BreakDuration), this);

    private async ValueTask<IMessage> SendAsync(Call call, CancellationToken cancellationToken)
    {
        using var watch = _denials?.Start(call.Info.Subject, cancellationToken);
        try
        {
            return Unwrap(call.Info, await SendCoreAsync(call, watch?.Token ?? cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (watch?.Refusal is { } refusal && ex is OperationCanceledException or NatsException)
        {
            throw BusDenials.Denied(call.Info.Subject, refusal);
        }
        catch (Exception ex) when (Map(call, ex) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Publishes the request; not async itself, so the caller's state machine is the only one waiting.</summary>
    private ValueTask<NatsMsg<Reply>> SendCoreAsync(in Call call, CancellationToken cancellationToken)
    {
        var remaining = call.Deadline - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            throw ServiceException.DeadlineExceeded($"{call.Info.Method.FullName} did not answer before its deadline ({call.Deadline:O})");
        }

        if (_nats.ConnectionState != NatsConnectionState.Open)
        {
            return SendWhileDisconnectedAsync(call, remaining, cancellationToken);
        }

        // The reply timeout is the deadline; the publish itself only waits for a connection, which is open.
        return RequestAsync(call, remaining, cancellationToken);
    }

    private ValueTask<NatsMsg<Reply>> RequestAsync(in Call call, TimeSpan remaining, CancellationToken cancellationToken) =>
        _nats.RequestAsync(
            call.Info.Subject,
            call.Request,
            Headers(call),
            requestSerializer: ProtobufSerializer.Instance,
            replySerializer: call.Info.Replies,
            replyOpts: ReplyOpts(remaining),
            cancellationToken: cancellationToken);

    /// <summary>
    /// NATS.Net waits for a reconnect before it publishes, with no limit but the token: without a connection the
    /// deadline must end the call, or it would hang (and hold whatever the caller holds) until NATS is back.
    /// </summary>
    private async ValueTask<NatsMsg<Reply>> SendWhileDisconnectedAsync(Call call, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(remaining);
        try
        {
            // Wait for the connection (NATS.Net connects on first use, or is reconnecting) before sending: a request
            // buffered into the handshake would have the server's refusal of its subject go unheard.
            await _nats.ConnectAsync().AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);

            return await RequestAsync(call, remaining, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ServiceException.Unavailable(
                $"{call.Info.ServiceName} is unreachable: the connection to NATS is {_nats.ConnectionState} and did not come back before the deadline");
        }
    }

    internal static IMessage Unwrap(MethodInfo info, NatsMsg<Reply> reply)
    {
        var data = reply.Data;
        if (data.Message is null && data.Error is null)
        {
            // An empty payload (a response with every field at its default) may never reach the deserializer.
            data = info.Replies.Deserialize(default, new NatsMsgContext(reply.Subject, reply.ReplyTo, reply.Headers));
        }

        return data.Error is { } error ? throw new ServiceException(error) : data.Message!;
    }

    /// <summary>
    /// What a failed attempt means to the caller; null for what is not a failure of the service: the caller's own
    /// cancellation, which must count as neither success nor failure.
    /// </summary>
    internal static ServiceException? Map(in Call call, Exception exception) => exception switch
    {
        ServiceException service => service,
        NatsNoRespondersException => new ServiceException(ErrorCode.Unavailable, $"{call.Info.ServiceName} is unavailable: no instance answers {call.Info.Subject}") { Undelivered = true },
        NatsNoReplyException => ServiceException.DeadlineExceeded($"{call.Info.Method.FullName} did not answer before its deadline ({call.Deadline:O})"),
        NatsPayloadTooLargeException => ServiceException.PayloadTooLarge($"the {call.Info.Method.InputType.Name} is larger than the message bus carries: {exception.Message}"),
        // An attempt's own timeout (Polly's, around retried calls), not the caller's: the service did not answer in time.
        OperationCanceledException when !call.CallerToken.IsCancellationRequested =>
            ServiceException.DeadlineExceeded($"{call.Info.Method.FullName} did not answer before its deadline ({call.Deadline:O})"),
        _ => null,
    };

    private static NatsSubOpts ReplyOpts(TimeSpan timeout) => new() { MaxMsgs = 1, ThrowIfNoResponders = true, Timeout = timeout };

    internal static NatsHeaders Headers(in Call call)
    {
        var headers = new NatsHeaders
        {
            [MessagingHeaders.Deadline] = call.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };

        if (call.Options.IdempotencyKey is { } key)
        {
            headers[MessagingHeaders.IdempotencyKey] = key;
        }

        if (call.Options.PlayerId is { } player)
        {
            headers[MessagingHeaders.PlayerId] = player;
            if (call.Client._proofs?.Sign(player) is { } proof)
            {
                headers[MessagingHeaders.CallerProof] = proof;
            }
        }
        else if (CallContext.Current is { PlayerId: { } caller } current)
        {
            // A call made while handling a player's request acts for that player: the proof travels with it.
            headers[MessagingHeaders.PlayerId] = caller;
            if (current.CallerProof is { } proof)
            {
                headers[MessagingHeaders.CallerProof] = proof;
            }
        }

        return headers;
    }

    /// <summary>What does not change between calls of one method, computed once.</summary>
    internal sealed class MethodInfo(MethodDescriptor method, ServiceBreaker breaker)
    {
        public MethodDescriptor Method { get; } = method;

        public string Subject { get; } = ServiceSubjects.For(method);

        public string ServiceName { get; } = ServiceSubjects.ServiceName(method.Service);

        public bool Idempotent { get; } = NatsServiceHost.IsIdempotent(method);

        public ServiceBreaker Breaker { get; } = breaker;

        public ReplyDeserializer Replies { get; } = new(method);

        public StreamFrameDeserializer Frames { get; } = new(method);
    }

    internal readonly record struct Call(
        ServiceClient Client, MethodInfo Info, IMessage Request, CallOptions Options, DateTimeOffset Deadline, CancellationToken CallerToken)
    {
        /// <summary>
        /// One attempt, with the breaker consulted and fed. Closed: the attempt runs and its outcome is reported,
        /// except the caller's own cancellation, which is neither. Open: rejected at once. Half-open: Polly's trial,
        /// where a trial the caller abandoned counts as a failure, so that it re-opens the circuit for another trial
        /// later instead of closing it on a service that may still hang.
        /// </summary>
        public ValueTask<Outcome<IMessage>> ThroughBreakerAsync(ResilienceContext context) =>
            ThroughBreakerAsync(context, static (call, token) => call.Client.SendAsync(call, token));

        /// <summary>The same for any attempt at this call, e.g. opening a stream.</summary>
        public async ValueTask<Outcome<T>> ThroughBreakerAsync<T>(ResilienceContext context, Func<Call, CancellationToken, ValueTask<T>> attempt)
        {
            if (Info.Breaker.IsClosed)
            {
                ServiceException? failure = null;
                T? result = default;
                try
                {
                    result = await attempt(this, context.CancellationToken).ConfigureAwait(false);
                }
                catch (ServiceException ex)
                {
                    failure = ex;
                }

                if (failure is not { Undelivered: true })
                {
                    await Info.Breaker.ReportAsync(failure).ConfigureAwait(false);
                }

                return failure is null ? Outcome.FromResult(result!) : Outcome.FromException<T>(failure);
            }

            try
            {
                return Outcome.FromResult(await Info.Breaker.Pipeline.ExecuteAsync(
                    static async (ctx, state) =>
                    {
                        try
                        {
                            return await state.Attempt(state.Call, ctx.CancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (state.Call.CallerToken.IsCancellationRequested)
                        {
                            throw ServiceException.Unavailable($"{state.Call.Info.ServiceName}: the trial call was abandoned by its caller");
                        }
                    },
                    context,
                    (Call: this, Attempt: attempt)).ConfigureAwait(false));
            }
            catch (ServiceException) when (CallerToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(CallerToken);
            }
            catch (BrokenCircuitException)
            {
                return Outcome.FromException<T>(new ServiceException(
                    ErrorCode.Unavailable,
                    $"{Info.ServiceName} is unavailable: its circuit is open after repeated failures",
                    details: new Dictionary<string, string> { [CircuitDetail] = "open" }));
            }
            catch (ServiceException ex)
            {
                return Outcome.FromException<T>(ex);
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
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
/// the reply timeout), a circuit breaker per target service, and, for idempotent calls only, retries with
/// jittered backoff inside a Polly timeout for the whole call. Every failure surfaces as a
/// <see cref="ServiceException"/> with an error code.
/// </summary>
public sealed class ServiceClient
{
    private const string CircuitDetail = "circuit";
    private static readonly ResiliencePropertyKey<DateTimeOffset> DeadlineKey = new("gaming.deadline");

    private readonly INatsConnection _nats;
    private readonly TimeProvider _time;
    private readonly ServiceClientOptions _options;
    private readonly ResiliencePipeline _retried;
    private readonly ConcurrentDictionary<string, ServiceBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodDescriptor, MethodInfo> _methods = new();

    public ServiceClient(INatsConnection nats, TimeProvider time, IOptions<ServiceClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _nats = nats;
        _time = time;
        _options = options.Value;
        _retried = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(Remaining(args.Context)) })
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                // Only "nobody answered" is worth another try (a reply with an error is the answer), and not
                // while the target's circuit is open.
                ShouldHandle = new PredicateBuilder().Handle<ServiceException>(
                    e => _options.MaxRetries > 0 && e.Code == ErrorCode.Unavailable && !e.Error.Details.ContainsKey(CircuitDetail)),
            })
            .Build();
    }

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
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Descriptor != method.InputType)
        {
            throw new ArgumentException($"{method.FullName} takes {method.InputType.FullName}, not {request.Descriptor.FullName}.", nameof(request));
        }

        options ??= CallOptions.Default;
        var info = Info(method);
        var (deadline, explicitDeadline) = Deadline(options);
        var call = new Call(this, info, request, options, deadline, explicitDeadline);
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
                try
                {
                    reply = Unwrap(info, await SendCoreAsync(call, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (Map(call, ex) is { } mapped)
                {
                    failure = mapped;
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

    /// <summary>Retried calls, and one-shot calls while the target's circuit is not closed (open: fail at once; half-open: the trial).</summary>
    private async Task<IMessage> ResilientAsync(Call call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            Outcome<IMessage> outcome;
            if (call.Info.Idempotent || call.Options.IdempotencyKey is not null)
            {
                context.Properties.Set(DeadlineKey, call.Deadline);
                outcome = await _retried.ExecuteOutcomeAsync(static (ctx, c) => c.ThroughBreakerAsync(ctx), context, call).ConfigureAwait(false);
            }
            else
            {
                outcome = await call.ThroughBreakerAsync(context).ConfigureAwait(false);
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

    /// <summary>The call's deadline, and whether the service must be told (it assumes the default otherwise).</summary>
    private (DateTimeOffset Deadline, bool Explicit) Deadline(CallOptions options)
    {
        var timeout = options.Timeout ?? _options.DefaultTimeout;
        var own = _time.GetUtcNow() + timeout;
        // A call made while handling another inherits what is left of that call's deadline.
        var inherited = CallContext.Current?.Deadline;
        return inherited is { } parent && parent < own
            ? (parent, true)
            : (own, timeout != MessagingHeaders.DefaultTimeout);
    }

    private TimeSpan Remaining(ResilienceContext context)
    {
        var remaining = context.Properties.GetValue(DeadlineKey, _time.GetUtcNow()) - _time.GetUtcNow();
        return remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1);
    }

    private ServiceBreaker BreakerFor(string service) =>
        _breakers.GetOrAdd(service, static (_, self) => new ServiceBreaker(self._time, self._options.BreakDuration), this);

    private async ValueTask<IMessage> SendAsync(Call call, CancellationToken cancellationToken)
    {
        try
        {
            return Unwrap(call.Info, await SendCoreAsync(call, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (Map(call, ex) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Publishes the request; not async itself, so the caller's state machine is the only one waiting.</summary>
    private ValueTask<NatsMsg<Reply>> SendCoreAsync(in Call call, CancellationToken cancellationToken)
    {
        var info = call.Info;
        NatsSubOpts replyOpts;
        if (call.ExplicitDeadline)
        {
            var remaining = call.Deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw ServiceException.DeadlineExceeded($"{info.Method.FullName}: the deadline passed before the call was sent");
            }

            replyOpts = ReplyOpts(remaining);
        }
        else
        {
            // The default deadline was computed microseconds ago: the shared options carry it without a copy per call.
            replyOpts = DefaultReplyOpts;
        }

        return _nats.RequestAsync(
            info.Subject,
            call.Request,
            Headers(call),
            requestSerializer: ProtobufSerializer.Instance,
            replySerializer: info.Replies,
            replyOpts: replyOpts,
            cancellationToken: cancellationToken);
    }

    private static IMessage Unwrap(MethodInfo info, NatsMsg<Reply> reply)
    {
        var data = reply.Data;
        if (data.Message is null && data.Error is null)
        {
            // An empty payload (a response with every field at its default) may never reach the deserializer.
            data = info.Replies.Deserialize(default, new NatsMsgContext(reply.Subject, reply.ReplyTo, reply.Headers));
        }

        return data.Error is { } error ? throw new ServiceException(error) : data.Message!;
    }

    /// <summary>What a failed attempt means to the caller; null for what is not a call failure (a cancelled caller).</summary>
    private static ServiceException? Map(in Call call, Exception exception) => exception switch
    {
        ServiceException service => service,
        NatsNoRespondersException => ServiceException.Unavailable($"{call.Info.ServiceName} is unavailable: no instance answers {call.Info.Subject}"),
        NatsNoReplyException => ServiceException.DeadlineExceeded($"{call.Info.Method.FullName} did not answer before its deadline ({call.Deadline:O})"),
        _ => null,
    };

    // MaxMsgs and ThrowIfNoResponders set here, so NATS.Net need not copy the options to fill in its defaults.
    private static readonly NatsSubOpts DefaultReplyOpts = ReplyOpts(MessagingHeaders.DefaultTimeout);

    private static NatsSubOpts ReplyOpts(TimeSpan timeout) => new() { MaxMsgs = 1, ThrowIfNoResponders = true, Timeout = timeout };

    private static NatsHeaders? Headers(in Call call)
    {
        if (!call.ExplicitDeadline && call.Options.IdempotencyKey is null && call.Options.PlayerId is null)
        {
            return null;
        }

        var headers = new NatsHeaders();
        if (call.ExplicitDeadline)
        {
            headers[MessagingHeaders.Deadline] = call.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        if (call.Options.IdempotencyKey is { } key)
        {
            headers[MessagingHeaders.IdempotencyKey] = key;
        }

        if (call.Options.PlayerId is { } player)
        {
            headers[MessagingHeaders.PlayerId] = player;
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
    }

    private readonly record struct Call(ServiceClient Client, MethodInfo Info, IMessage Request, CallOptions Options, DateTimeOffset Deadline, bool ExplicitDeadline)
    {
        public async ValueTask<Outcome<IMessage>> ThroughBreakerAsync(ResilienceContext context)
        {
            try
            {
                return Outcome.FromResult(await Info.Breaker.Pipeline.ExecuteAsync(
                    static (ctx, call) => call.Client.SendAsync(call, ctx.CancellationToken),
                    context,
                    this).ConfigureAwait(false));
            }
            catch (BrokenCircuitException)
            {
                return Outcome.FromException<IMessage>(new ServiceException(
                    ErrorCode.Unavailable,
                    $"{Info.ServiceName} is unavailable: its circuit is open after repeated failures",
                    details: new Dictionary<string, string> { [CircuitDetail] = "open" }));
            }
            catch (ServiceException ex)
            {
                return Outcome.FromException<IMessage>(ex);
            }
        }
    }
}

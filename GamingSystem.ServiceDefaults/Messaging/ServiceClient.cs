using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GamingSystem.Contracts.Common.V1;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.Services;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Calls a proto method over NATS request/reply: protobuf payloads, the caller's deadline in a header,
/// a per-call timeout, retries with jittered backoff for idempotent calls only, and a circuit breaker per
/// target service. Every failure surfaces as a <see cref="ServiceException"/> with an error code.
/// </summary>
public sealed class ServiceClient
{
    private const string DeadlineKeyName = "gaming.deadline";
    private const string CircuitDetail = "circuit";
    private static readonly ResiliencePropertyKey<DateTimeOffset> DeadlineKey = new(DeadlineKeyName);

    private readonly INatsConnection _nats;
    private readonly TimeProvider _time;
    private readonly ServiceClientOptions _options;
    private readonly ResiliencePipeline _once;
    private readonly ResiliencePipeline _retried;
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _breakers = new();
    private readonly ConcurrentDictionary<MethodDescriptor, MethodInfo> _methods = new();

    public ServiceClient(INatsConnection nats, TimeProvider time, IOptions<ServiceClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _nats = nats;
        _time = time;
        _options = options.Value;
        var timeout = new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(Remaining(args.Context)) };
        _once = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(timeout).Build();
        _retried = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(timeout)
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

    public async Task<TResponse> RequestAsync<TResponse>(MethodDescriptor method, IMessage request, CallOptions? options = null, CancellationToken cancellationToken = default)
        where TResponse : IMessage =>
        (TResponse)await RequestAsync(method, request, options, cancellationToken).ConfigureAwait(false);

    public async Task<IMessage> RequestAsync(MethodDescriptor method, IMessage request, CallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Descriptor != method.InputType)
        {
            throw new ArgumentException($"{method.FullName} takes {method.InputType.FullName}, not {request.Descriptor.FullName}.", nameof(request));
        }

        options ??= new CallOptions();
        var info = _methods.GetOrAdd(method, static m => new MethodInfo(m));
        var deadline = Deadline(options);
        var started = _time.GetTimestamp();
        var code = ErrorCode.Unspecified;

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(DeadlineKey, deadline);
        var breaker = _breakers.GetOrAdd(info.ServiceName, _ => CreateBreaker());
        var state = new Attempt(this, info, request, options, deadline, breaker);
        try
        {
            var pipeline = info.Idempotent || options.IdempotencyKey is not null ? _retried : _once;
            var outcome = await pipeline.ExecuteOutcomeAsync(static (ctx, s) => s.RunInBreakerAsync(ctx), context, state).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        catch (ServiceException ex)
        {
            code = ex.Code;
            throw;
        }
        catch (TimeoutRejectedException)
        {
            code = ErrorCode.DeadlineExceeded;
            throw ServiceException.DeadlineExceeded($"{method.FullName} did not answer within the deadline");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            MessagingTelemetry.ClientDuration.Record(
                _time.GetElapsedTime(started).TotalSeconds,
                new("rpc.service", info.ServiceName),
                new("rpc.method", method.Name),
                new("rpc.response.status_code", ErrorCodes.ToName(code)));
        }
    }

    private DateTimeOffset Deadline(CallOptions options)
    {
        var now = _time.GetUtcNow();
        var own = now + (options.Timeout ?? _options.DefaultTimeout);
        // A call made while handling another inherits what is left of that call's deadline.
        var inherited = CallContext.Current?.Deadline;
        return inherited is { } parent && parent < own ? parent : own;
    }

    private TimeSpan Remaining(ResilienceContext context)
    {
        var deadline = context.Properties.GetValue(DeadlineKey, _time.GetUtcNow());
        var remaining = deadline - _time.GetUtcNow();
        return remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1);
    }

    private ResiliencePipeline CreateBreaker() =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = _options.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<ServiceException>(e => e.Code is ErrorCode.Unavailable or ErrorCode.DeadlineExceeded),
            })
            .Build();

    private async ValueTask<IMessage> SendAsync(MethodInfo info, IMessage request, CallOptions options, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var remaining = deadline - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            throw ServiceException.DeadlineExceeded($"{info.Method.FullName}: the deadline passed before the call was sent");
        }

        var headers = new NatsHeaders { [MessagingHeaders.Deadline] = deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (options.IdempotencyKey is not null)
        {
            headers[MessagingHeaders.IdempotencyKey] = options.IdempotencyKey;
        }

        if (options.PlayerId is not null)
        {
            headers[MessagingHeaders.PlayerId] = options.PlayerId;
        }

        try
        {
            var reply = await _nats.RequestAsync(
                info.Subject,
                request,
                headers,
                requestSerializer: ProtobufSerializer.Instance,
                replySerializer: NatsRawSerializer<NatsMemoryOwner<byte>>.Default,
                replyOpts: new NatsSubOpts { Timeout = remaining },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            using var payload = reply.Data;
            return Decode(info, reply.Headers, payload.Memory);
        }
        catch (NatsNoRespondersException)
        {
            throw ServiceException.Unavailable($"{info.ServiceName} is unavailable: no instance answers {info.Subject}");
        }
        catch (NatsNoReplyException)
        {
            throw ServiceException.DeadlineExceeded($"{info.Method.FullName} did not answer within {remaining.TotalMilliseconds:0} ms");
        }
    }

    internal static IMessage Decode(MethodInfo info, NatsHeaders? headers, ReadOnlyMemory<byte> payload)
    {
        if (headers is not null && headers.TryGetLastValue(NatsSvcConstants.ServiceErrorHeader, out var description))
        {
            throw new ServiceException(DecodeError(headers, description, payload));
        }

        try
        {
            return info.Method.OutputType.Parser.ParseFrom(new ReadOnlySequence<byte>(payload));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw ServiceException.Internal($"{info.Method.FullName} replied with a payload that is not a {info.Method.OutputType.FullName}: {ex.Message}");
        }
    }

    private static Error DecodeError(NatsHeaders headers, string description, ReadOnlyMemory<byte> payload)
    {
        if (!payload.IsEmpty)
        {
            try
            {
                var error = Error.Parser.ParseFrom(new ReadOnlySequence<byte>(payload));
                if (error.Code != ErrorCode.Unspecified)
                {
                    return error;
                }
            }
            catch (InvalidProtocolBufferException)
            {
                // Not one of ours (a plain NATS micro service); fall back to the headers.
            }
        }

        var status = headers.TryGetLastValue(NatsSvcConstants.ServiceErrorCodeHeader, out var text) && int.TryParse(text, out var parsed) ? parsed : 500;
        return new Error { Code = ErrorCodes.FromHttpStatus(status), Message = description };
    }

    internal sealed class MethodInfo(MethodDescriptor method)
    {
        public MethodDescriptor Method { get; } = method;

        public string Subject { get; } = ServiceSubjects.For(method);

        public string ServiceName { get; } = ServiceSubjects.ServiceName(method.Service);

        public bool Idempotent { get; } = NatsServiceHost.IsIdempotent(method);
    }

    private sealed record Attempt(
        ServiceClient Client,
        MethodInfo Info,
        IMessage Request,
        CallOptions Options,
        DateTimeOffset Deadline,
        ResiliencePipeline Breaker)
    {
        public async ValueTask<Outcome<IMessage>> RunInBreakerAsync(ResilienceContext context)
        {
            try
            {
                var result = await Breaker.ExecuteAsync(
                    static async (ctx, s) => await s.Client.SendAsync(s.Info, s.Request, s.Options, s.Deadline, ctx.CancellationToken).ConfigureAwait(false),
                    context,
                    this).ConfigureAwait(false);
                return Outcome.FromResult(result);
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

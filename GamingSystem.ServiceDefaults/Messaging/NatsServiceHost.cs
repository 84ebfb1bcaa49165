using System.Diagnostics;
using GamingSystem.Contracts;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Runs one proto service as a NATS micro service: an endpoint per method on its derived subject, in the
/// service's queue group. NATS.Client.Services calls an endpoint's handler one message at a time, so each
/// message is started without being awaited and the endpoint loop never waits: up to MaxConcurrency requests
/// run, up to MaxWaiting more wait for a slot, and past that a request is refused at once with UNAVAILABLE.
/// That bound is the backpressure, memory stays bounded, and a slow request never holds up the next one.
/// On stop, requests not yet started are refused, those running get until the host's stop token, and then every
/// one still unfinished is answered UNAVAILABLE, so that no caller waits out its deadline for a stopped instance.
/// A server-streaming call goes through the same steps and holds its slot until its stream ends
/// (<see cref="StreamCallServer"/>); only what runs between the context and the reply differs.
/// </summary>
internal sealed partial class NatsServiceHost(
    ServiceRegistration registration,
    INatsConnection nats,
    IServiceProvider services,
    TimeProvider time,
    ILogger<NatsServiceHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    // Cancelled when stopping begins: nothing new starts, and requests waiting for a slot are refused.
    private readonly CancellationTokenSource _draining = new();
    // Wakes a dispatch loop waiting for a slot; only used when the service is saturated.
    private readonly SemaphoreSlim _slotFreed = new(0);
    private readonly string _serviceName = ServiceSubjects.ServiceName(registration.Service);
    private readonly CallReplies _replies = new(nats, logger);
    private readonly CallerProofs _proofs = services.GetRequiredService<CallerProofs>();
    private readonly WaitingBytes _waitingBytes = new(registration.MaxWaitingBytes);
    // Per endpoint (method) name: the real timings and server errors that $SRV.STATS reports in each endpoint's data.
    private readonly Dictionary<string, EndpointLoad> _loads = registration.Service.Methods.ToDictionary(m => m.Name, _ => new EndpointLoad());
    private INatsSvcServer? _server;
    // Requests running or waiting for a slot; above MaxConcurrency the difference is the waiters.
    private int _inFlight;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        registration.EnsureComplete();
        var service = registration.Service;
        var queueGroup = ServiceSubjects.QueueGroup(service);

        var svc = new NatsSvcContext(nats);
        _server = await svc.AddServiceAsync(
            new NatsSvcConfig(_serviceName, "1.0.0")
            {
                Description = $"{service.FullName} ({service.File.Name})",
                QueueGroup = queueGroup,
                Metadata = new Dictionary<string, string> { ["proto.service"] = service.FullName },
                StatsHandler = endpoint => service.Methods.FirstOrDefault(m => ServiceSubjects.ToSnakeCase(m.Name) == endpoint.Name) is { } method
                    ? _loads[method.Name].ToJson()
                    : new System.Text.Json.Nodes.JsonObject(),
            },
            cancellationToken).ConfigureAwait(false);

        var streams = new StreamCallServer(nats, _replies, time, logger);
        foreach (var method in service.Methods)
        {
            var handler = registration.Bind(method, services, streams);
            var deserializer = new ProtobufDeserializer(method.InputType.Parser);
            var subject = ServiceSubjects.For(method);
            await _server.AddEndpointAsync<IMessage>(
                msg => DispatchAsync(msg, method, handler),
                name: ServiceSubjects.ToSnakeCase(method.Name),
                subject: subject,
                queueGroup: queueGroup,
                metadata: new Dictionary<string, string>
                {
                    ["proto.method"] = method.FullName,
                    ["idempotent"] = IsIdempotent(method) ? "true" : "false",
                },
                serializer: deserializer,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        LogServiceStarted(_serviceName, service.Methods.Count, ServiceSubjects.Wildcard(service), queueGroup);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _draining.CancelAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            try
            {
                // Unsubscribe so that no new request arrives; those already delivered are refused while draining.
                await _server.StopAsync(cancellationToken).ConfigureAwait(false);
                // The server answers a PING only after what was sent before it, the UNSUBs included: once it has, no
                // request is routed here any more, so a caller's next request goes to a replica instead of waiting
                // out its deadline on an instance that stopped listening.
                await nats.PingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (NatsException)
            {
                // No connection: nothing can be routed here either.
            }
        }

        // The running ones may finish until the host's stop token says no more.
        await WaitForInFlightAsync(cancellationToken).ConfigureAwait(false);

        // Then every unfinished handler is cancelled and answers UNAVAILABLE; give those replies a moment to leave.
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var replies = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
        await WaitForInFlightAsync(replies.Token).ConfigureAwait(false);
    }

    private async Task WaitForInFlightAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _inFlight) > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _draining.Dispose();
        _slotFreed.Dispose();
    }

    internal static bool IsIdempotent(MethodDescriptor method) =>
        method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.Idempotent
            or MethodOptions.Types.IdempotencyLevel.NoSideEffects;

    private ValueTask DispatchAsync(NatsSvcMsg<IMessage> msg, MethodDescriptor method, BoundMethod handler)
    {
        var received = time.GetTimestamp();
        var inFlight = Interlocked.Increment(ref _inFlight);
        var waits = inFlight > registration.MaxConcurrency;
        if (_draining.IsCancellationRequested
            || inFlight > registration.MaxConcurrency + registration.MaxWaiting
            || (waits && !_waitingBytes.TryAdd(WaitingBytes.SizeOf(msg.Data))))
        {
            Interlocked.Decrement(ref _inFlight);
            _ = RefuseAsync(msg, method, full: !_draining.IsCancellationRequested);
            return ValueTask.CompletedTask;
        }

        // Runs inline until the handler's first real await, which is where concurrency pays: a handler that
        // completes synchronously costs no thread-pool hop, and one awaiting Redis frees the loop at once.
        _ = ProcessAsync(msg, method, handler, waitForSlot: waits, received);
        return ValueTask.CompletedTask;
    }

    private async Task RefuseAsync(NatsSvcMsg<IMessage> msg, MethodDescriptor method, bool full)
    {
        _loads[method.Name].Record(TimeSpan.Zero, Contracts.Common.V1.ErrorCode.Unavailable);
        MessagingTelemetry.ServerRefused.Add(1, new KeyValuePair<string, object?>("reason", full ? "full" : "stopping"));
        var error = ServiceException.Unavailable(full
            ? $"{_serviceName} is at capacity ({registration.MaxConcurrency} running, {registration.MaxWaiting} or {registration.MaxWaitingBytes} bytes waiting); retry shortly"
            : $"{_serviceName} is stopping; retry on another instance").Error;
        error.Details[ServiceException.RetryAfterDetail] = full ? "100" : "0";
        LogRequestRefused(method.FullName, error.Message);
        await _replies.ReplyErrorAsync(msg, error).ConfigureAwait(false);
    }

    private async Task ProcessAsync(NatsSvcMsg<IMessage> msg, MethodDescriptor method, BoundMethod handler, bool waitForSlot, long received)
    {
        if (waitForSlot)
        {
            try
            {
                await _slotFreed.WaitAsync(_draining.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _waitingBytes.Remove(WaitingBytes.SizeOf(msg.Data));
                ReleaseSlot();
                await RefuseAsync(msg, method, full: false).ConfigureAwait(false);
                return;
            }

            _waitingBytes.Remove(WaitingBytes.SizeOf(msg.Data));
        }

        var started = time.GetTimestamp();
        var code = Contracts.Common.V1.ErrorCode.Unspecified;
        // NATS.Net's receive span is not Activity.Current here; parent ours on the caller's trace context.
        using var activity = MessagingTelemetry.Source.StartActivity(
            $"{msg.Subject} process",
            ActivityKind.Server,
            msg.Headers is null ? default : msg.Headers.GetActivityContext());
        activity?.SetTag("rpc.system", "nats");
        activity?.SetTag("rpc.service", method.Service.FullName);
        activity?.SetTag("rpc.method", method.Name);
        MessagingTelemetry.ServerInFlight.Add(1);
        try
        {
            var deadline = ReadDeadline(msg.Headers);
            if (deadline <= time.GetUtcNow())
            {
                throw ServiceException.DeadlineExceeded($"the caller's deadline passed before {method.Name} started");
            }

            if (msg.Exception is not null)
            {
                throw ServiceException.InvalidArgument("payload", $"not a valid {method.InputType.FullName}: {msg.Exception.InnerException?.Message ?? msg.Exception.Message}");
            }

            if (msg.Headers is { } headers && headers.TryGetValue(MessagingHeaders.PlayerId, out var player)
                && !_proofs.Verify(player.ToString(), headers.TryGetValue(MessagingHeaders.CallerProof, out var proof) ? proof.ToString() : null))
            {
                throw ServiceException.PermissionDenied(
                    $"the {MessagingHeaders.PlayerId} header is trusted only with the gateway's {MessagingHeaders.CallerProof}, which is missing, expired or not for this player");
            }

            var request = msg.Data ?? method.InputType.Parser.ParseFrom(ByteString.Empty);
            using var context = new CallContext(method, msg.Headers, deadline, _stopping.Token, time);
            CallContext.Current = context;
            try
            {
                if (handler.Unary is { } unary)
                {
                    // Awaited here rather than in a wrapper: one state machine per request, as before streams.
                    await _replies.ReplyAsync(msg, await unary(request, context).ConfigureAwait(false)).ConfigureAwait(false);
                }
                else
                {
                    await handler.Stream!(msg, request, context).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (context.Abandoned)
            {
                // Usually nobody is left to hear this; but a caller only thought gone (silent for too long on a
                // starved machine) learns at once why its stream ended, instead of at its idle timeout.
                throw new ServiceException(Contracts.Common.V1.ErrorCode.Cancelled, $"{method.Name} was abandoned: {context.AbandonedBecause}");
            }
            catch (OperationCanceledException) when (context.EndedByDeadline)
            {
                throw ServiceException.DeadlineExceeded($"{method.Name} did not finish before the caller's deadline");
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw ServiceException.Unavailable($"{_serviceName} stopped before {method.Name} finished; retry on another instance");
            }
        }
        catch (Exception ex)
        {
            var error = ex is ServiceException service
                ? service.Error
                : new Contracts.Common.V1.Error
                {
                    Code = Contracts.Common.V1.ErrorCode.Internal,
                    Message = $"{method.Name} failed unexpectedly (trace {Activity.Current?.TraceId.ToString() ?? "none"})",
                };
            code = error.Code;
            if (ex is ServiceException)
            {
                LogRequestRejected(method.FullName, ErrorCodes.ToName(error.Code), error.Message);
            }
            else
            {
                LogRequestFailed(ex, method.FullName);
            }

            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            activity?.SetTag("error.type", ErrorCodes.ToName(error.Code));
            await _replies.ReplyErrorAsync(msg, error).ConfigureAwait(false);
        }
        finally
        {
            MessagingTelemetry.ServerInFlight.Add(-1);
            _loads[method.Name].Record(time.GetElapsedTime(received), code);
            MessagingTelemetry.ServerDuration.Record(
                time.GetElapsedTime(started).TotalSeconds,
                new("rpc.service", _serviceName),
                new("rpc.method", method.Name),
                new("rpc.response.status_code", ErrorCodes.ToName(code)));
            ReleaseSlot();
        }
    }

    private void ReleaseSlot()
    {
        if (Interlocked.Decrement(ref _inFlight) >= registration.MaxConcurrency)
        {
            // Someone is waiting for a slot.
            _slotFreed.Release();
        }
    }

    private DateTimeOffset ReadDeadline(NatsHeaders? headers) =>
        headers is not null
        && headers.TryGetLastValue(MessagingHeaders.Deadline, out var value)
        && long.TryParse(value, out var unixMs)
            ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs)
            : time.GetUtcNow() + MessagingHeaders.DefaultTimeout;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "NATS micro service {Service} started: {Count} endpoints on {Subjects}, queue group {QueueGroup}")]
    private partial void LogServiceStarted(string service, int count, string subjects, string queueGroup);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{Method} rejected with {Code}: {Message}")]
    private partial void LogRequestRejected(string method, string code, string message);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "{Method} failed")]
    private partial void LogRequestFailed(Exception exception, string method);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "{Method} refused: {Reason}")]
    private partial void LogRequestRefused(string method, string reason);
}

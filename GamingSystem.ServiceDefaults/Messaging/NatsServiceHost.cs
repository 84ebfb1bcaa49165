using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Runs one proto service as a NATS micro service: an endpoint per method on its derived subject, in the
/// service's queue group. NATS.Client.Services calls an endpoint's handler one message at a time, so each
/// message is started without being awaited and the endpoint loop only waits when every slot is busy: that
/// bound is the backpressure, and a slow request never holds up the next one.
/// </summary>
internal sealed partial class NatsServiceHost(
    ServiceRegistration registration,
    INatsConnection nats,
    IServiceProvider services,
    TimeProvider time,
    ILogger<NatsServiceHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    // Wakes a dispatch loop waiting for a slot; only used when the service is saturated.
    private readonly SemaphoreSlim _slotFreed = new(0);
    private readonly string _serviceName = ServiceSubjects.ServiceName(registration.Service);
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
            },
            cancellationToken).ConfigureAwait(false);

        foreach (var method in service.Methods)
        {
            var handler = registration.Handlers[method.Name](services);
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
        if (_server is not null)
        {
            // Unsubscribe first so no new request arrives, then let the ones in flight finish.
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        while (Volatile.Read(ref _inFlight) > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, CancellationToken.None).ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _slotFreed.Dispose();
    }

    internal static bool IsIdempotent(MethodDescriptor method) =>
        method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.Idempotent
            or MethodOptions.Types.IdempotencyLevel.NoSideEffects;

    private async ValueTask DispatchAsync(NatsSvcMsg<IMessage> msg, MethodDescriptor method, MethodHandler handler)
    {
        if (Interlocked.Increment(ref _inFlight) > registration.MaxConcurrency)
        {
            await _slotFreed.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }

        // Runs inline until the handler's first real await, which is where concurrency pays: a handler that
        // completes synchronously costs no thread-pool hop, and one awaiting Redis frees the loop at once.
        _ = ProcessAsync(msg, method, handler);
    }

    private async Task ProcessAsync(NatsSvcMsg<IMessage> msg, MethodDescriptor method, MethodHandler handler)
    {
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

            var request = msg.Data ?? method.InputType.Parser.ParseFrom(ByteString.Empty);
            using var context = new CallContext(method, msg.Headers, deadline, _stopping.Token, time);
            CallContext.Current = context;
            IMessage response;
            try
            {
                response = await handler(request, context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.DeadlinePassed && !_stopping.IsCancellationRequested)
            {
                throw ServiceException.DeadlineExceeded($"{method.Name} did not finish before the caller's deadline");
            }

            await msg.ReplyAsync(response, serializer: ProtobufSerializer.Instance, cancellationToken: _stopping.Token).ConfigureAwait(false);
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
            await ReplyErrorAsync(msg, error).ConfigureAwait(false);
        }
        finally
        {
            MessagingTelemetry.ServerInFlight.Add(-1);
            MessagingTelemetry.ServerDuration.Record(
                time.GetElapsedTime(started).TotalSeconds,
                new("rpc.service", _serviceName),
                new("rpc.method", method.Name),
                new("rpc.response.status_code", ErrorCodes.ToName(code)));
            if (Interlocked.Decrement(ref _inFlight) >= registration.MaxConcurrency)
            {
                _slotFreed.Release();
            }
        }
    }

    private async Task ReplyErrorAsync(NatsSvcMsg<IMessage> msg, Contracts.Common.V1.Error error)
    {
        try
        {
            await msg.ReplyErrorAsync<IMessage>(
                ErrorCodes.ToHttpStatus(error.Code),
                error.Message,
                error,
                serializer: ProtobufSerializer.Instance,
                cancellationToken: _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            // The caller will see its own timeout; nothing more can be done for this request.
            LogReplyFailed(ex, msg.Subject);
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

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Could not send the error reply for {Subject}")]
    private partial void LogReplyFailed(Exception exception, string subject);
}

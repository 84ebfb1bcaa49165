using Google.Protobuf;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>A bound stream handler: the typed <see cref="IStreamHandler{TRequest, TResponse}"/> behind one method.</summary>
internal delegate IAsyncEnumerable<IMessage> StreamMethodHandler(IMessage request, CallContext context);

/// <summary>
/// Runs server-streaming calls for a service (see <see cref="StreamProtocol"/> for the frames). The host has
/// already taken a concurrency slot, started the span and made the <see cref="CallContext"/>; errors thrown here
/// or by the handler become the same error replies as a unary call's.
/// </summary>
internal sealed class StreamCallServer(INatsConnection nats, CallReplies replies, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(StreamMethodHandler handler, NatsSvcMsg<IMessage> msg, IMessage request, CallContext context)
    {
        var inbox = msg.ReplyTo ?? throw ServiceException.InvalidArgument("reply_to", "a streaming call needs a reply subject to stream to");
        await using var stream = new ServerStream(inbox, StreamProtocol.ReadWindow(msg.Headers), context, nats, replies, time, logger);
        await stream.OpenAsync().ConfigureAwait(false);
        await foreach (var chunk in handler(request, context).ConfigureAwait(false))
        {
            await stream.SendAsync(chunk ?? throw new InvalidOperationException($"{context.Method.FullName} yielded null")).ConfigureAwait(false);
        }

        await stream.EndAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// One streaming call on the service's side: sends frames within the caller's credit, listens on the control
/// subject for acks and cancel, and abandons the call (cancelling the handler) when the caller cancels or falls
/// silent. Disposing it stops the listening before the call ends, so nothing touches the context afterwards.
/// </summary>
internal sealed partial class ServerStream : IAsyncDisposable
{
    private readonly string _inbox;
    private readonly int _window;
    private readonly CallContext _context;
    private readonly INatsConnection _nats;
    private readonly CallReplies _replies;
    private readonly ILogger _logger;
    private readonly StreamCredit _credit;
    private readonly ITimer _callerSilent;
    private INatsSub<byte[]>? _control;
    private Task _listening = Task.CompletedTask;
    private long _sent;
    private int _abandoned;

    public ServerStream(string inbox, int window, CallContext context, INatsConnection nats, CallReplies replies, TimeProvider time, ILogger logger)
    {
        _inbox = inbox;
        _window = window;
        _context = context;
        _nats = nats;
        _replies = replies;
        _logger = logger;
        _credit = new StreamCredit(window);
        _callerSilent = time.CreateTimer(static state => ((ServerStream)state!).CallerWentSilent(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Listens on a fresh control inbox, then tells the caller where it is; the caller's silence is timed from here.</summary>
    public async Task OpenAsync()
    {
        var control = _nats.NewInbox();
        _control = await _nats.SubscribeCoreAsync<byte[]>(control, cancellationToken: _context.CancellationToken).ConfigureAwait(false);
        _listening = ListenAsync(_control);
        _callerSilent.Change(StreamProtocol.CallerSilenceLimit, Timeout.InfiniteTimeSpan);
        await PublishAsync(null, new NatsHeaders { [StreamProtocol.Control] = control }).ConfigureAwait(false);
    }

    /// <summary>Waits for credit, then sends the next chunk; a slow reader therefore holds the handler at its <c>yield</c>.</summary>
    public async ValueTask SendAsync(IMessage chunk)
    {
        var sequence = _sent + 1;
        var cancellation = _context.CancellationToken;
        await _credit.WaitForAsync(sequence, cancellation).ConfigureAwait(false);
        // Also stops a handler that never looks at its token.
        cancellation.ThrowIfCancellationRequested();
        await PublishAsync(chunk, StreamProtocol.Header(StreamProtocol.Sequence, sequence)).ConfigureAwait(false);
        _sent = sequence;
    }

    public ValueTask EndAsync() => PublishAsync(null, StreamProtocol.Header(StreamProtocol.End, _sent));

    public async ValueTask DisposeAsync()
    {
        // Waits for a callback in progress, so that no Abandon runs after the call has ended.
        await _callerSilent.DisposeAsync().ConfigureAwait(false);
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        await _listening.ConfigureAwait(false);
    }

    private async ValueTask PublishAsync(IMessage? body, NatsHeaders headers)
    {
        try
        {
            await _replies.PublishFrameAsync(_inbox, body, headers).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NatsException && ex is not NatsPayloadTooLargeException)
        {
            // Without a connection nobody hears this stream any more; a chunk too large is the handler's error instead.
            Abandon($"its frames cannot be sent ({ex.Message})");
            throw new OperationCanceledException("the stream's frames cannot be sent", ex, _context.CancellationToken);
        }
    }

    private async Task ListenAsync(INatsSub<byte[]> control)
    {
        await foreach (var msg in control.Msgs.ReadAllAsync().ConfigureAwait(false))
        {
            _callerSilent.Change(StreamProtocol.CallerSilenceLimit, Timeout.InfiniteTimeSpan);
            if (msg.Headers is { } headers && headers.TryGetLastValue(StreamProtocol.Cancel, out var reason))
            {
                Abandon($"the caller cancelled: {reason}");
                return;
            }

            if (StreamProtocol.ReadNumber(msg.Headers, StreamProtocol.Ack) is { } taken)
            {
                _credit.GrantUpTo(taken + _window);
            }
        }
    }

    private void CallerWentSilent()
    {
        // After a stall of this whole process (GC, a starved thread pool) the timer can run before the listener has
        // read what the caller sent meanwhile: a word waiting to be read is a word heard.
        if (_control is { } control && control.Msgs.TryPeek(out _))
        {
            _callerSilent.Change(StreamProtocol.CallerSilenceLimit, Timeout.InfiniteTimeSpan);
            return;
        }

        Abandon($"no word from the caller for {StreamProtocol.CallerSilenceLimit.TotalMilliseconds:0} ms");
    }

    private void Abandon(string reason)
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 0)
        {
            LogStreamAbandoned(_context.Method.FullName, reason, Volatile.Read(ref _sent));
            _context.Abandon(reason);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "{Method} stream abandoned after {Sent} chunks: {Reason}")]
    private partial void LogStreamAbandoned(string method, string reason, long sent);
}

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
    /// <summary>
    /// How long a chunk may wait in a frame for the next: a tenth of a millisecond, far below what a caller could
    /// notice and far above the microsecond or so a producer that has its chunks ready needs for each.
    /// </summary>
    internal static readonly TimeSpan HoldLimit = TimeSpan.FromTicks(1_000);

    public async Task RunAsync(StreamMethodHandler handler, NatsSvcMsg<IMessage> msg, IMessage request, CallContext context)
    {
        var inbox = msg.ReplyTo ?? throw ServiceException.InvalidArgument("reply_to", "a streaming call needs a reply subject to stream to");
        await using var stream = new ServerStream(inbox, StreamProtocol.ReadWindow(msg.Headers), context, nats, replies, time, logger);
        await stream.OpenAsync().ConfigureAwait(false);
        var chunks = handler(request, context).GetAsyncEnumerator();
        await using (chunks.ConfigureAwait(false))
        {
            await PumpAsync(chunks, stream, context).ConfigureAwait(false);
        }

        await stream.EndAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Moves chunks from the handler into frames. A chunk joins the frame being filled only while the handler
    /// keeps up: when the handler has to wait for its next chunk (its <c>MoveNextAsync</c> does not complete at
    /// once), or the last chunk took longer than <see cref="HoldLimit"/> to make, or the frame's first chunk has
    /// waited that long, the frame goes out as it is. So a fast producer fills frames and a slow one sends every
    /// chunk the moment it yields it.
    /// </summary>
    private async Task PumpAsync(IAsyncEnumerator<IMessage> chunks, ServerStream stream, CallContext context)
    {
        var holdLimit = (long)(HoldLimit.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            var asked = time.GetTimestamp();
            var next = chunks.MoveNextAsync();
            if (!next.IsCompleted)
            {
                await FlushWhileTheHandlerWorksAsync(stream, next).ConfigureAwait(false);
            }

            bool more;
            try
            {
                more = await next.ConfigureAwait(false);
            }
            catch when (!stream.FrameIsEmpty && !context.CancellationToken.IsCancellationRequested)
            {
                // The chunks made before the error reach the caller before the error does.
                await stream.FlushAsync().ConfigureAwait(false);
                throw;
            }

            if (!more)
            {
                return;
            }

            // Only the handler's own time counts: sending a full frame inside AddAsync is no reason to send the next early.
            var made = time.GetTimestamp();
            await stream.AddAsync(chunks.Current ?? throw new InvalidOperationException($"{context.Method.FullName} yielded null")).ConfigureAwait(false);
            if (made - asked > holdLimit || stream.FrameHeldSince(made) > holdLimit)
            {
                await stream.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Sends the frame while the handler makes its next chunk. If the frame cannot be sent, the stream is abandoned
    /// (the handler's token fires), and the handler's pending step is awaited before the error goes on, so the
    /// enumerator is never disposed while it runs.
    /// </summary>
    private static async ValueTask FlushWhileTheHandlerWorksAsync(ServerStream stream, ValueTask<bool> next)
    {
        try
        {
            await stream.FlushAsync().ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await next.ConfigureAwait(false);
            }
            catch
            {
                // Whatever the handler says now, the frame that could not be sent is the reason the call ends.
            }

            throw;
        }
    }
}

/// <summary>
/// One streaming call on the service's side: fills frames with chunks and sends them within the caller's credit,
/// listens on the control subject for acks and cancel, and abandons the call (cancelling the handler) when the
/// caller cancels or falls silent. Disposing it stops the listening before the call ends, so nothing touches the
/// context afterwards.
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
    private readonly TimeProvider _time;
    private readonly StreamFrameWriter _frame;
    private INatsSub<byte[]>? _control;
    private Task _listening = Task.CompletedTask;
    private long _sent;
    private long _frameStarted;
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
        _time = time;
        _frame = new StreamFrameWriter(nats.ServerInfo?.MaxPayload ?? 1024 * 1024);
        _callerSilent = time.CreateTimer(static state => ((ServerStream)state!).CallerWentSilent(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Listens on a fresh control inbox, then tells the caller where it is; the caller's silence is timed from here.</summary>
    public async Task OpenAsync()
    {
        var control = _nats.NewInbox();
        _control = await _nats.SubscribeCoreAsync<byte[]>(control, cancellationToken: _context.CancellationToken).ConfigureAwait(false);
        _listening = ListenAsync(_control);
        _callerSilent.Change(StreamProtocol.CallerSilenceLimit, Timeout.InfiniteTimeSpan);
        await PublishAsync(ReadOnlyMemory<byte>.Empty, new NatsHeaders { [StreamProtocol.Control] = control }).ConfigureAwait(false);
    }

    public bool FrameIsEmpty => _frame.IsEmpty;

    /// <summary>How long the frame's first chunk has waited, in timestamp ticks; 0 for an empty frame.</summary>
    public long FrameHeldSince(long now) => _frame.IsEmpty ? 0 : now - _frameStarted;

    /// <summary>
    /// Puts the next chunk in the frame, sending the frame first when the chunk would not fit or has no credit yet:
    /// the caller can only ack what it has received. A slow reader therefore holds the handler at its <c>yield</c>.
    /// </summary>
    public async ValueTask AddAsync(IMessage chunk)
    {
        var sequence = _sent + _frame.Count + 1;
        var cancellation = _context.CancellationToken;
        if (sequence > _credit.Granted)
        {
            await FlushAsync().ConfigureAwait(false);
            await _credit.WaitForAsync(sequence, cancellation).ConfigureAwait(false);
        }

        // Also stops a handler that never looks at its token.
        cancellation.ThrowIfCancellationRequested();
        var size = chunk.CalculateSize();
        if (!_frame.Fits(size))
        {
            await FlushAsync().ConfigureAwait(false);
        }

        if (_frame.IsEmpty)
        {
            _frameStarted = _time.GetTimestamp();
        }

        _frame.Add(sequence, chunk, size);
        if (_frame.IsFull)
        {
            await FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends the chunks in the frame, if any.</summary>
    public async ValueTask FlushAsync()
    {
        if (_frame.IsEmpty)
        {
            return;
        }

        await PublishAsync(_frame.Payload, _frame.Headers()).ConfigureAwait(false);
        _sent += _frame.Count;
        _frame.Clear();
    }

    public async ValueTask EndAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        await PublishAsync(ReadOnlyMemory<byte>.Empty, StreamProtocol.Header(StreamProtocol.End, _sent)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Waits for a callback in progress, so that no Abandon runs after the call has ended.
        await _callerSilent.DisposeAsync().ConfigureAwait(false);
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        await _listening.ConfigureAwait(false);
        _frame.Dispose();
    }

    private async ValueTask PublishAsync(ReadOnlyMemory<byte> body, NatsHeaders headers)
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

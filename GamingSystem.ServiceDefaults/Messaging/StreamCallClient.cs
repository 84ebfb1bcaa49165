using System.Threading.Channels;
using GamingSystem.Contracts.Common.V1;
using Google.Protobuf;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// One streaming call on the caller's side (see <see cref="StreamProtocol"/>): its inbox subscription, the checks
/// on numbering and end, the acks that pace the service, the heartbeat, and the idle and deadline limits on each
/// wait. The inbox never holds more than the window's chunks, because the service sends no further than the
/// reader's acks; chunks arrive parsed, a frame at a time, and are handed out one by one.
/// </summary>
internal sealed class ClientStream : IAsyncDisposable
{
    private readonly INatsConnection _nats;
    private readonly ServiceClient.Call _call;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly int _window;
    private readonly long _ackEvery;
    private readonly long _started;
    // Armed only while a read waits; it and the caller's token end that wait.
    private readonly CancellationTokenSource _waitLimit;
    private readonly CancellationTokenSource _waitEnds;
    private INatsSub<StreamFrame>? _inbox;
    private IMessage[] _frame = [];
    private int _nextInFrame;
    private string? _control;
    private ITimer? _heartbeat;
    private long _delivered;
    private long _taken;
    private long _acked;
    private bool _finished;
    private ErrorCode _outcome;

    public ClientStream(INatsConnection nats, ServiceClient.Call call, int window, TimeSpan idleTimeout, TimeProvider time)
    {
        _nats = nats;
        _call = call;
        _idleTimeout = idleTimeout;
        _time = time;
        _window = window;
        // Half the window: the service still has half a window to send while an ack travels. With chunks in
        // frames, an ack every quarter was one ack per full frame; half as many cost less CPU on both sides and
        // were no slower for one reader (docs/benchmarks.md).
        _ackEvery = Math.Max(1, window / 2);
        _started = time.GetTimestamp();
        _waitLimit = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _waitEnds = CancellationTokenSource.CreateLinkedTokenSource(_waitLimit.Token, call.CallerToken);
    }

    private string Method => _call.Info.Method.FullName;

    // Watches the request's subject while the stream opens (see OpenAsync).
    private BusDenials.Watch? _opening;

    /// <summary>Subscribes, sends the request, and waits for the service to open the stream (or refuse it).</summary>
    public async Task OpenAsync(NatsHeaders headers, CancellationToken attemptToken)
    {
        // A subject this process may not publish to is refused by the server, which sends nothing else: the
        // refusal ends the wait for the first frame at once.
        using var watch = _opening = _call.Client.Denials?.Start(_call.Info.Subject, CancellationToken.None);
        using var refused = watch?.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _waitLimit);
        var inbox = _nats.NewInbox();
        // The window bounds the chunks the service sends, so their frames too (one chunk each at worst); room for
        // them and the open, end or error frame, and nothing more.
        var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = _window + 4, FullMode = BoundedChannelFullMode.DropNewest } };
        _inbox = await _nats.SubscribeCoreAsync(inbox, serializer: _call.Info.Frames, opts: opts, cancellationToken: attemptToken).ConfigureAwait(false);
        try
        {
            // Bounded like every wait here: without a connection NATS.Net would wait for a reconnect.
            using var publishEnds = CancellationTokenSource.CreateLinkedTokenSource(attemptToken, _waitLimit.Token);
            _waitLimit.CancelAfter(Limit());
            await _nats.PublishAsync(_call.Info.Subject, _call.Request, headers, replyTo: inbox, serializer: ProtobufSerializer.Instance, cancellationToken: publishEnds.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_waitLimit.IsCancellationRequested && !_call.CallerToken.IsCancellationRequested)
        {
            throw Fail(_opening?.Refusal is { } refusal ? BusDenials.Denied(_call.Info.Subject, refusal) : ServiceException.Unavailable(
                $"{_call.Info.ServiceName} is unreachable: the connection to NATS is {_nats.ConnectionState} and did not come back in time"));
        }
        finally
        {
            _waitLimit.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        var frame = await NextFrameAsync().ConfigureAwait(false);
        if (frame.Headers is { Code: 503 })
        {
            _finished = true;
            throw Fail(ServiceException.Unavailable($"{_call.Info.ServiceName} is unavailable: no instance answers {_call.Info.Subject}"));
        }

        if (frame.Headers is not { } opened || !opened.TryGetLastValue(StreamProtocol.Control, out var control))
        {
            _finished = true;
            throw Fail(Unexpected(frame));
        }

        _control = control;
        _heartbeat = _time.CreateTimer(static state => ((ClientStream)state!).Beat(), this, StreamProtocol.HeartbeatInterval, StreamProtocol.HeartbeatInterval);
    }

    /// <summary>The next chunk, or null at the end of the stream. Calling it says the reader has taken the previous chunks.</summary>
    public async ValueTask<IMessage?> ReadAsync()
    {
        if (_finished)
        {
            return null;
        }

        // Chunks already in the inbox need no wait, so the caller's token is checked here too, not only while waiting.
        _call.CallerToken.ThrowIfCancellationRequested();
        Volatile.Write(ref _taken, _delivered);
        if (_taken - _acked >= _ackEvery)
        {
            _acked = _taken;
            await SendControlAsync(StreamProtocol.Header(StreamProtocol.Ack, _taken)).ConfigureAwait(false);
        }

        if (_nextInFrame < _frame.Length)
        {
            _delivered++;
            return _frame[_nextInFrame++];
        }

        var frame = await NextFrameAsync().ConfigureAwait(false);
        if (frame.Data is { Chunks: { } chunks, First: var first })
        {
            if (first != _delivered + 1)
            {
                throw Fail(new ServiceException(ErrorCode.DataLoss, $"{Method} sent chunk {first} after chunk {_delivered}"));
            }

            _frame = chunks;
            _nextInFrame = 1;
            _delivered++;
            return chunks[0];
        }

        _finished = true;
        if (frame.Data.Problem is { } problem)
        {
            throw Fail(new ServiceException(ErrorCode.DataLoss, $"{Method}: {problem}"));
        }

        if (StreamProtocol.ReadNumber(frame.Headers, StreamProtocol.End) is { } count)
        {
            return count == _delivered
                ? null
                : throw Fail(new ServiceException(ErrorCode.DataLoss, $"{Method} ended its stream after {count} chunks, but {_delivered} arrived"));
        }

        throw Fail(Unexpected(frame));
    }

    public async ValueTask DisposeAsync()
    {
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        if (!_finished && _control is not null)
        {
            // Not waiting for the handler to notice on its own: it stops at its next await instead of at the deadline.
            var reason = _call.CallerToken.IsCancellationRequested ? "cancelled" : "stopped reading";
            await SendControlAsync(new NatsHeaders { [StreamProtocol.Cancel] = reason }).ConfigureAwait(false);
        }

        if (_inbox is not null)
        {
            await _inbox.DisposeAsync().ConfigureAwait(false);
        }

        _waitEnds.Dispose();
        _waitLimit.Dispose();
        if (MessagingTelemetry.ClientDuration.Enabled)
        {
            MessagingTelemetry.ClientDuration.Record(
                _time.GetElapsedTime(_started).TotalSeconds,
                new("rpc.service", _call.Info.ServiceName),
                new("rpc.method", _call.Info.Method.Name),
                new("rpc.response.status_code", ErrorCodes.ToName(_outcome)));
        }
    }

    /// <summary>A frame already in the inbox costs no timer; otherwise the wait ends at the idle timeout or the deadline.</summary>
    private async ValueTask<NatsMsg<StreamFrame>> NextFrameAsync()
    {
        var frames = _inbox!.Msgs;
        if (frames.TryRead(out var frame))
        {
            return frame;
        }

        _waitLimit.CancelAfter(Limit());
        try
        {
            while (await frames.WaitToReadAsync(_waitEnds.Token).ConfigureAwait(false))
            {
                if (frames.TryRead(out frame))
                {
                    return frame;
                }
            }

            throw Fail(ServiceException.Unavailable($"{Method}: the stream's subscription closed (the NATS connection was disposed)"));
        }
        catch (OperationCanceledException) when (!_call.CallerToken.IsCancellationRequested)
        {
            throw Fail(_opening?.Refusal is { } refusal ? BusDenials.Denied(_call.Info.Subject, refusal)
                : _time.GetUtcNow() >= _call.Deadline
                ? ServiceException.DeadlineExceeded($"{Method} did not finish its stream before its deadline ({_call.Deadline:O})")
                : ServiceException.DeadlineExceeded($"{Method} sent nothing for {_idleTimeout.TotalMilliseconds:0} ms (the stream's idle timeout)"));
        }
        finally
        {
            _waitLimit.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private TimeSpan Limit()
    {
        var remaining = _call.Deadline - _time.GetUtcNow();
        return remaining < _idleTimeout ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) : _idleTimeout;
    }

    /// <summary>
    /// Repeats the last ack: tells the service the caller is alive while the reader is slow. Stops at the deadline,
    /// where the service stops too, so an enumerator that is dropped without being disposed does not beat forever.
    /// </summary>
    private void Beat()
    {
        if (_time.GetUtcNow() > _call.Deadline)
        {
            _heartbeat?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _ = SendControlAsync(StreamProtocol.Header(StreamProtocol.Ack, Volatile.Read(ref _taken)));
    }

    /// <summary>
    /// Best effort: a lost ack is repaired by the next (they are cumulative), and without a connection the service
    /// hears silence and abandons the stream, which is what a caller that cannot reach it needs.
    /// </summary>
    private async Task SendControlAsync(NatsHeaders headers)
    {
        if (_nats.ConnectionState != NatsConnectionState.Open)
        {
            return;
        }

        try
        {
            await _nats.PublishAsync(_control!, headers: headers).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // The stream ends by its idle timeout or deadline; nothing to add here.
        }
    }

    /// <summary>A NATS micro error reply becomes its <see cref="ServiceException"/>; anything else is not our protocol.</summary>
    private ServiceException Unexpected(NatsMsg<StreamFrame> frame)
    {
        if (frame.Data.Error is { } error)
        {
            return new ServiceException(error);
        }

        // An error reply without a body (a plain NATS micro service) may never reach the deserializer.
        if (frame.Headers is { } headers && headers.TryGetLastValue(NatsSvcConstants.ServiceErrorHeader, out var description))
        {
            return new ServiceException(ReplyDeserializer.ReadError(headers, description, default));
        }

        return ServiceException.Internal($"{Method} answered with something that is not a stream frame");
    }

    private ServiceException Fail(ServiceException error)
    {
        _outcome = error.Code;
        return error;
    }
}

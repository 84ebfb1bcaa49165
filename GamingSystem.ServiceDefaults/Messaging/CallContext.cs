using GamingSystem.Contracts.Common.V1;
using Google.Protobuf.Reflection;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>What a handler knows about the call besides the request: who, until when, and its headers.</summary>
public sealed class CallContext : IDisposable
{
    private static readonly AsyncLocal<CallContext?> CurrentContext = new();

    private readonly CancellationToken _stopping;
    private readonly TimeProvider _time;
    private CancellationTokenSource? _cancellation;
    private volatile bool _abandoned;

    internal CallContext(MethodDescriptor method, NatsHeaders? headers, DateTimeOffset deadline, CancellationToken stopping, TimeProvider time)
    {
        Method = method;
        Headers = headers;
        Deadline = deadline;
        _stopping = stopping;
        _time = time;
    }

    /// <summary>The call being handled on this flow, so outgoing calls inherit its deadline.</summary>
    public static CallContext? Current
    {
        get => CurrentContext.Value;
        internal set => CurrentContext.Value = value;
    }

    public MethodDescriptor Method { get; }

    public NatsHeaders? Headers { get; }

    public DateTimeOffset Deadline { get; }

    /// <summary>
    /// Cancelled when the deadline passes, the service shuts down, or (for a stream) the caller stops reading. Made on first use: most handlers never
    /// ask, and a timer per request is a cost every request would pay.
    /// </summary>
    public CancellationToken CancellationToken
    {
        get
        {
            if (Volatile.Read(ref _cancellation) is { } existing)
            {
                return existing.Token;
            }

            var created = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            // Two threads asking at once: the first one's source wins, the other is dropped before it is armed.
            if (Interlocked.CompareExchange(ref _cancellation, created, null) is { } winner)
            {
                created.Dispose();
                return winner.Token;
            }

            var remaining = Deadline - _time.GetUtcNow();
            created.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            return created.Token;
        }
    }

    /// <summary>The player the gateway authenticated, if any.</summary>
    public string? PlayerId => Header(MessagingHeaders.PlayerId);

    /// <summary>The gateway's proof of <see cref="PlayerId"/>, checked before the handler ran; forwarded with outgoing calls.</summary>
    internal string? CallerProof => Header(MessagingHeaders.CallerProof);

    public string? IdempotencyKey => Header(MessagingHeaders.IdempotencyKey);

    /// <summary>
    /// The player the gateway authenticated, for a method that acts on the caller's own data; UNAUTHENTICATED
    /// naming <paramref name="what"/> (e.g. "a location") when the call carries no player.
    /// </summary>
    public string RequirePlayer(string what) => PlayerId is { Length: > 0 } player
        ? player
        : throw new ServiceException(
            ErrorCode.Unauthenticated,
            $"no player: {what} is the calling player's, named by the {MessagingHeaders.PlayerId} header the gateway sets");


    public bool DeadlinePassed => _time.GetUtcNow() >= Deadline;

    /// <summary>
    /// The deadline ended the call: the clock says so, or the token's timer fired (it may fire a moment before the
    /// clock agrees), and not because the service is stopping.
    /// </summary>
    internal bool EndedByDeadline =>
        !_stopping.IsCancellationRequested && !_abandoned && (DeadlinePassed || Volatile.Read(ref _cancellation)?.IsCancellationRequested == true);

    /// <summary>The caller is gone or said it stopped reading: nobody is left to answer.</summary>
    internal bool Abandoned => _abandoned;

    internal string? AbandonedBecause { get; private set; }

    /// <summary>
    /// Ends the call for a caller that went away. Makes the token first if the handler has not asked for it yet,
    /// so that it finds it cancelled when it does. The stream that calls this stops doing so before the call ends,
    /// so it never races <see cref="Dispose"/>.
    /// </summary>
    internal void Abandon(string reason)
    {
        AbandonedBecause = reason;
        _abandoned = true;
        _ = CancellationToken;
        Volatile.Read(ref _cancellation)?.Cancel();
    }

    public string? Header(string name) =>
        Headers is not null && Headers.TryGetValue(name, out var value) && value.Count > 0 ? value[^1] : null;

    public void Dispose() => Interlocked.Exchange(ref _cancellation, null)?.Dispose();
}

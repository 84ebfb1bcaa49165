namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>Per-call settings for <see cref="ServiceClient"/>.</summary>
public sealed record CallOptions
{
    internal static readonly CallOptions Default = new();

    /// <summary>How long the caller waits, retries included. Default: the inherited deadline, else <see cref="ServiceClientOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Streams only: the longest the caller waits for the next chunk before it ends the call with DEADLINE_EXCEEDED.
    /// Default <see cref="ServiceClientOptions.StreamIdleTimeout"/>. The deadline still bounds the whole stream.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Makes a mutating call safe to retry; the service returns the first result for a repeat.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The authenticated player; set by the gateway.</summary>
    public string? PlayerId { get; init; }
}

/// <summary>Bound from <c>Messaging:Client</c>.</summary>
public sealed class ServiceClientOptions
{
    public const string SectionName = "Messaging:Client";

    public TimeSpan DefaultTimeout { get; set; } = MessagingHeaders.DefaultTimeout;

    /// <summary>
    /// Retries after the first attempt when no instance answers, for idempotent calls only. With the delays below
    /// they span about 1.7 s: long enough for an instance whose NATS node died to reconnect to another node and
    /// subscribe again, so a caller never sees the node's death (docs/reliability.md).
    /// </summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's delay, doubled for each next one (jittered), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Chunks a stream's service may send ahead of the reader: the caller buffers at most this many.</summary>
    public int StreamWindow { get; set; } = StreamProtocol.DefaultWindow;

    /// <summary>The longest a stream may go without a chunk, unless the call says otherwise.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a target service's circuit stays open before a trial call.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(3);
}

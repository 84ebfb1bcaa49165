namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>Per-call settings for <see cref="ServiceClient"/>.</summary>
public sealed record CallOptions
{
    internal static readonly CallOptions Default = new();

    /// <summary>How long the caller waits, retries included. Default: the inherited deadline, else <see cref="ServiceClientOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

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

    /// <summary>Retries after the first attempt, for idempotent calls only.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a target service's circuit stays open before a trial call.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(3);
}

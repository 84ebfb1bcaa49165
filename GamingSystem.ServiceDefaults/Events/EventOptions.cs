namespace GamingSystem.ServiceDefaults.Events;

/// <summary>Publishing settings, bound from <c>Messaging:Events</c>.</summary>
public sealed class EventOptions
{
    public const string SectionName = "Messaging:Events";

    /// <summary>How long a publish waits for JetStream's ack before it is UNAVAILABLE.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether this process creates and updates the streams at start-up. The AppHost lets only their owner
    /// (event-bus) do so, and only its NATS identity may; on a bus without permissions any process may.
    /// </summary>
    public bool ManageStreams { get; set; } = true;

    /// <summary>
    /// On how many NATS nodes each stream is stored: 1 on a single server; the AWS deployment (deploy/) sets 3 for
    /// its 3-node cluster.
    /// </summary>
    public int Replicas { get; set; } = 1;
}

/// <summary>How one durable consumer runs its handler.</summary>
public sealed class EventConsumerOptions
{
    /// <summary>The durable consumer's name; default <c>{service}_{EventName}</c>, e.g. <c>weather-manager_TimeTick</c>.</summary>
    public string? Durable { get; set; }

    /// <summary>Events handled at once by this instance.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Deliveries before an event goes to the DLQ stream (the first delivery counts).</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Redelivery after a failure waits this, doubled per delivery, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A handler still running after this has failed (its token fires); JetStream's ack wait is a little longer.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal TimeSpan RetryDelay(ulong delivery)
    {
        var factor = Math.Pow(2, Math.Min(delivery - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryBaseDelay.Ticks * factor, RetryMaxDelay.Ticks));
    }

    internal void Validate(string eventName)
    {
        if (MaxConcurrency < 1 || MaxDeliveries < 1 || HandlerTimeout <= TimeSpan.Zero || RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            throw new InvalidOperationException(
                $"Event handler options for {eventName}: MaxConcurrency and MaxDeliveries must be at least 1, HandlerTimeout positive, " +
                $"and 0 <= RetryBaseDelay <= RetryMaxDelay (got {MaxConcurrency}, {MaxDeliveries}, {HandlerTimeout}, {RetryBaseDelay}, {RetryMaxDelay}).");
        }
    }
}

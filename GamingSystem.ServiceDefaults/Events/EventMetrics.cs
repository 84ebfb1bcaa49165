using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>The SDK's event metrics, on the messaging meter the dashboard already shows.</summary>
internal static class EventMetrics
{
    private static readonly Meter Meter = new(MessagingTelemetry.MeterName);

    private static readonly Counter<long> PublishedCounter = Meter.CreateCounter<long>(
        "gaming.events.published", description: "Events published, by subject and outcome (stored, duplicate, failed).");

    private static readonly Counter<long> ProcessedCounter = Meter.CreateCounter<long>(
        "gaming.events.processed", description: "Event deliveries handled, by consumer and outcome (acked, retried, dead_lettered, released).");

    private static readonly ConcurrentDictionary<string, long> PendingByConsumer = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<long> PendingGauge = Meter.CreateObservableGauge(
        "gaming.events.pending",
        () => PendingByConsumer.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("messaging.consumer.group.name", p.Key))),
        description: "Events a durable consumer has not settled yet: not delivered, or delivered and not acknowledged (its lag).");

    /// <summary>A consumer's lag as JetStream last reported it.</summary>
    public static void Pending(string consumer, long pending) => PendingByConsumer[consumer] = pending;

    public static void Published(string subject, string outcome) =>
        PublishedCounter.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", subject), new KeyValuePair<string, object?>("outcome", outcome));

    public static void Processed(string consumer, string outcome) =>
        ProcessedCounter.Add(1, new KeyValuePair<string, object?>("messaging.consumer.group.name", consumer), new KeyValuePair<string, object?>("outcome", outcome));
}

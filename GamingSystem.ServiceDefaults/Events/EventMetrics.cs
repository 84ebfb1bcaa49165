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

    public static void Published(string subject, string outcome) =>
        PublishedCounter.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", subject), new KeyValuePair<string, object?>("outcome", outcome));

    public static void Processed(string consumer, string outcome) =>
        ProcessedCounter.Add(1, new KeyValuePair<string, object?>("messaging.consumer.group.name", consumer), new KeyValuePair<string, object?>("outcome", outcome));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>The SDK's own spans and metrics, named once.</summary>
public static class MessagingTelemetry
{
    public const string ActivitySourceName = "GamingSystem.Messaging";
    public const string MeterName = "GamingSystem.Messaging";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<double> ServerDuration = Meter.CreateHistogram<double>(
        "gaming.rpc.server.duration", unit: "s", description: "Time a service took to handle a request.");

    internal static readonly Histogram<double> ClientDuration = Meter.CreateHistogram<double>(
        "gaming.rpc.client.duration", unit: "s", description: "Time a caller waited for a reply, retries included.");

    internal static readonly Counter<long> ServerRefused = Meter.CreateCounter<long>(
        "gaming.rpc.server.refused", description: "Requests answered UNAVAILABLE without being handled: the instance was full or stopping.");

    internal static readonly UpDownCounter<long> ServerInFlight = Meter.CreateUpDownCounter<long>(
        "gaming.rpc.server.in_flight", description: "Requests being handled right now.");
}

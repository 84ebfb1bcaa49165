using GamingSystem.Contracts;

namespace Aspire.Hosting.Security;

/// <summary>
/// What one process may publish and subscribe to on NATS, derived from the app model and the contracts, never
/// written by hand: a service serves its own methods in its queue group, answers discovery, receives replies on
/// its own inboxes, publishes the events its contract declares, and calls the services it references (a
/// publicly exposed process only their HTTP-routed methods). The owner of the event streams runs JetStream's API.
/// </summary>
public sealed record BusPermissions(IReadOnlyList<string> Publish, IReadOnlyList<string> Subscribe)
{
    /// <summary>NATS micro discovery ($SRV.PING, $SRV.INFO.&lt;name&gt;, ...), which every service answers.</summary>
    public const string Discovery = "$SRV.>";

    /// <summary>
    /// The request every NATS micro service answers with its endpoints' counters and timings. Only a process marked
    /// <c>WithServiceStats</c> may send it: the stats name every endpoint and its last error, which is reconnaissance.
    /// </summary>
    public const string ServiceStats = "$SRV.STATS";

    /// <summary>The prefix of every reply inbox; a process's own are <c>_INBOX.&lt;its name&gt;.&gt;</c>.</summary>
    public const string InboxPrefix = "_INBOX";

    /// <summary>The inbox prefix of one process: it may subscribe under it and nowhere else for replies.</summary>
    public static string InboxOf(string resourceName) => $"{InboxPrefix}.{resourceName}";

    /// <param name="resourceName">The process's resource name (<c>settings</c>, <c>gateway</c>).</param>
    /// <param name="referencedResources">The resources it references in the app model; the services among them become calls it may make.</param>
    /// <param name="publiclyExposed">It has external endpoints: it may call only what the HTTP API exposes.</param>
    /// <param name="ownsEventStreams">It owns the JetStream streams (event-bus): their API, every event and dead letter.</param>
    /// <param name="readsServiceStats">It watches the services' load (performance-mode): it may request <see cref="ServiceStats"/>, nothing more of discovery.</param>
    public static BusPermissions For(string resourceName, IEnumerable<string> referencedResources, bool publiclyExposed, bool ownsEventStreams, bool readsServiceStats = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        ArgumentNullException.ThrowIfNull(referencedResources);

        // Replies (and a stream's chunks and credit) go to the caller's inbox, whose name is random and unguessable.
        var publish = new SortedSet<string>(StringComparer.Ordinal) { $"{InboxPrefix}.>" };
        var subscribe = new SortedSet<string>(StringComparer.Ordinal) { $"{InboxOf(resourceName)}.>" };

        if (ContractRegistry.ForResource(resourceName) is { } own)
        {
            // "subject queue": the server refuses a subscription outside the service's queue group, so a stolen
            // credential cannot listen beside the replicas without taking a share of the requests.
            subscribe.Add($"{ServiceSubjects.Wildcard(own)} {ServiceSubjects.QueueGroup(own)}");
            subscribe.Add(Discovery);
            foreach (var evt in EventContracts.PublishedBy(own))
            {
                publish.Add(EventContracts.SubjectOf(evt)!);
            }

            // Every service registers its instances with the capability registry (the SDK does, at start-up).
            foreach (var method in new[] { "Register", "Heartbeat", "Deregister" })
            {
                publish.Add(ServiceSubjects.For(ContractRegistry.CapabilityRegistry.FindMethodByName(method)));
            }

            foreach (var evt in EventContracts.ConsumedBy(own))
            {
                publish.UnionWith(ConsumerSubjects(resourceName, evt));
            }
        }

        foreach (var target in referencedResources.Select(ContractRegistry.ForResource).OfType<Google.Protobuf.Reflection.ServiceDescriptor>())
        {
            if (publiclyExposed)
            {
                foreach (var method in target.Methods.Where(ContractRegistry.HasHttpRoute))
                {
                    publish.Add(ServiceSubjects.For(method));
                }
            }
            else
            {
                publish.Add(ServiceSubjects.Wildcard(target));
            }
        }

        if (readsServiceStats)
        {
            publish.Add(ServiceStats);
        }

        if (ownsEventStreams)
        {
            // Creating and reading streams, its own consumers' acks and flow control, and republishing events
            // (Publish, Redrive) and dead letters of any domain: the event bus is the one process trusted with all.
            publish.UnionWith(["$JS.API.>", "$JS.ACK.>", "$JS.FC.>", "evt.>", $"{EventContracts.DeadLetterPrefix}>"]);
        }

        return new([.. publish], [.. subscribe]);
    }

    /// <summary>
    /// A durable consumer of one event, its own and no other: create it (with or without a filter in the subject),
    /// read its state, pull from it, ack its messages, and dead-letter what it cannot handle.
    /// </summary>
    private static IEnumerable<string> ConsumerSubjects(string resourceName, Google.Protobuf.Reflection.MessageDescriptor evt)
    {
        var subject = EventContracts.SubjectOf(evt)!;
        var stream = EventContracts.StreamFor(subject).Name;
        var durable = EventContracts.DurableName(resourceName, evt);
        return
        [
            $"$JS.API.CONSUMER.CREATE.{stream}.{durable}",
            $"$JS.API.CONSUMER.CREATE.{stream}.{durable}.>",
            $"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{durable}",
            $"$JS.API.CONSUMER.INFO.{stream}.{durable}",
            $"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
            $"$JS.ACK.{stream}.{durable}.>",
            $"{EventContracts.DeadLetterPrefix}{subject}",
        ];
    }
}

namespace GamingSystem.ServiceDefaults.Events;

/// <summary>The headers events carry, named once.</summary>
public static class EventHeaders
{
    /// <summary>JetStream's de-duplication key: a second publish with the same id inside the duplicate window is stored once.</summary>
    public const string MessageId = "Nats-Msg-Id";

    /// <summary>The event message's full proto name, e.g. <c>gaming.quest_system.v1.QuestCompleted</c>.</summary>
    public const string EventType = "Gaming-Event-Type";

    /// <summary>On a dead letter: the subject the event was first published on.</summary>
    public const string OriginalSubject = "Gaming-Dlq-Original-Subject";

    /// <summary>On a dead letter: the stream and sequence the event had there.</summary>
    public const string OriginalStream = "Gaming-Dlq-Original-Stream";

    public const string OriginalSequence = "Gaming-Dlq-Original-Sequence";

    /// <summary>On a dead letter: the message id the event was published with, restored when it is redriven.</summary>
    public const string OriginalMessageId = "Gaming-Dlq-Original-Msg-Id";

    /// <summary>On a dead letter: the consumer that gave up on it, how often it was delivered, and the last error.</summary>
    public const string Consumer = "Gaming-Dlq-Consumer";

    public const string Deliveries = "Gaming-Dlq-Deliveries";

    public const string Error = "Gaming-Dlq-Error";

    /// <summary>W3C trace context, so a handler runs inside the trace of the publish that caused it.</summary>
    public const string TraceParent = "traceparent";

    public const string TraceState = "tracestate";
}

using GamingSystem.Contracts.Common.V1;
using Google.Protobuf.Reflection;

namespace GamingSystem.Contracts;

/// <summary>A JetStream stream as <c>common.proto</c>'s <see cref="EventStream"/> declares it.</summary>
public sealed record EventStreamContract(string Name, IReadOnlyList<string> Subjects)
{
    public bool Captures(string subject) => Subjects.Any(filter => EventContracts.SubjectMatches(filter, subject));
}

/// <summary>
/// The events of the system, read from the contracts: every message with an <c>event_subject</c> option, and the
/// streams that store them. Nothing here is written by hand twice: a new event is a message with the option.
/// </summary>
public static class EventContracts
{
    public const string DeadLetterPrefix = "dlq.";

    public static IReadOnlyList<EventStreamContract> Streams { get; } = ReadStreams();

    /// <summary>The stream that holds dead letters (<c>dlq.&gt;</c>).</summary>
    public static EventStreamContract DeadLetters { get; } = Streams.Single(s => s.Name == "DLQ");

    /// <summary>Every event message of every contract.</summary>
    public static IReadOnlyList<MessageDescriptor> Events { get; } =
        ContractRegistry.Services.Select(s => s.File).Distinct()
            .SelectMany(file => file.MessageTypes)
            .Where(message => SubjectOf(message) is not null)
            .ToArray();

    /// <summary>The events a service publishes: those declared in its own contract.</summary>
    public static IReadOnlyList<MessageDescriptor> PublishedBy(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return [.. service.File.MessageTypes.Where(message => SubjectOf(message) is not null)];
    }

    /// <summary>The events a service handles: its contract's <c>consumes</c> option, resolved to the event messages.</summary>
    public static IReadOnlyList<MessageDescriptor> ConsumedBy(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        IEnumerable<string> names = service.GetOptions()?.GetExtension(CommonExtensions.Consumes) ?? (IEnumerable<string>)[];
        return [.. names.Select(name => Events.FirstOrDefault(e => e.FullName == name)
            ?? throw new InvalidOperationException($"{service.FullName} consumes '{name}', which is no event of any contract."))];
    }

    /// <summary>The durable consumer through which <paramref name="resourceName"/> handles <paramref name="evt"/>: <c>weather-manager_TimeTick</c>.</summary>
    public static string DurableName(string resourceName, MessageDescriptor evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return $"{resourceName}_{evt.Name}";
    }

    /// <summary>The subject an event is published on, or null when the message is not an event.</summary>
    public static string? SubjectOf(MessageDescriptor message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subject = message.GetOptions()?.GetExtension(CommonExtensions.EventSubject);
        return string.IsNullOrEmpty(subject) ? null : subject;
    }

    /// <summary>The one stream that captures <paramref name="subject"/>.</summary>
    public static EventStreamContract StreamFor(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var streams = StreamsCapturing(subject);
        return streams.Count == 1
            ? streams[0]
            : throw new InvalidOperationException(streams.Count == 0
                ? $"No stream captures subject '{subject}'; add it to an EventStream in common.proto."
                : $"Subject '{subject}' falls in {streams.Count} streams ({string.Join(", ", streams.Select(s => s.Name))}); it must fall in one.");
    }

    /// <summary>The streams whose subjects capture <paramref name="subject"/> (a subject or a filter); exactly one for a valid event.</summary>
    public static IReadOnlyList<EventStreamContract> StreamsCapturing(string subject) => [.. Streams.Where(s => s.Captures(subject))];

    /// <summary>NATS subject matching: <c>*</c> matches one token, a final <c>&gt;</c> one or more.</summary>
    public static bool SubjectMatches(string filter, string subject)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(subject);
        var filterTokens = filter.Split('.');
        var subjectTokens = subject.Split('.');
        for (var i = 0; i < filterTokens.Length; i++)
        {
            if (filterTokens[i] == ">")
            {
                return i == filterTokens.Length - 1 && subjectTokens.Length > i;
            }

            if (i >= subjectTokens.Length || (filterTokens[i] != "*" && filterTokens[i] != subjectTokens[i]))
            {
                return false;
            }
        }

        return filterTokens.Length == subjectTokens.Length;
    }

    private static EventStreamContract[] ReadStreams() =>
        CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>(nameof(EventStream)).Values
            .Where(value => value.Number != 0)
            .Select(value =>
            {
                var options = value.GetOptions();
                var name = options?.GetExtension(CommonExtensions.StreamName);
                var subjects = options?.GetExtension(CommonExtensions.StreamSubjects).ToArray() ?? [];
                return new EventStreamContract(string.IsNullOrEmpty(name) ? value.Name : name, subjects);
            })
            .ToArray();
}

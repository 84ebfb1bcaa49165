using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.EventBus;

/// <summary>What the event bus accepts; every violation names its field.</summary>
internal static class EventRules
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Headers a publisher may not set: JetStream's own, and the ones only dead-lettering writes.</summary>
    private static readonly string[] ReservedPrefixes = ["Nats-", "Gaming-Dlq-"];

    /// <summary>A concrete subject (no wildcards) that exactly one event stream, not the DLQ, captures.</summary>
    public static EventStreamContract PublishSubject(string subject)
    {
        SubjectText(subject, "subject");
        if (subject.Contains('*', StringComparison.Ordinal) || subject.Contains('>', StringComparison.Ordinal))
        {
            throw ServiceException.InvalidArgument("subject", "must not contain wildcards ('*', '>')");
        }

        if (subject.StartsWith(EventContracts.DeadLetterPrefix, StringComparison.Ordinal))
        {
            throw ServiceException.InvalidArgument("subject", "dead letters are written by consumers, not published");
        }

        return Stream(subject, "subject");
    }

    /// <summary>A subject filter that falls within one stream, e.g. <c>evt.quest.&gt;</c>.</summary>
    public static EventStreamContract Filter(string filter, string field = "subjectFilter")
    {
        SubjectText(filter, field);
        return Stream(filter, field);
    }

    public static int Limit(int limit, string field = "limit") => limit switch
    {
        0 => DefaultLimit,
        < 0 or > MaxLimit => throw ServiceException.InvalidArgument(field, $"must be 1 to {MaxLimit} (0 = {DefaultLimit})"),
        _ => limit,
    };

    public static void Headers(IDictionary<string, string> headers)
    {
        foreach (var name in headers.Keys)
        {
            if (ReservedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) || name.Equals(EventHeaders.EventType, StringComparison.OrdinalIgnoreCase))
            {
                throw ServiceException.InvalidArgument("headers", $"'{name}' is set by the event bus, not by a publisher");
            }

            if (name.Length == 0 || name.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                throw ServiceException.InvalidArgument("headers", $"'{name}' is not a valid header name");
            }
        }
    }

    public static void Required(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw ServiceException.InvalidArgument(field, "is required");
        }
    }

    public static ulong Sequence(string value, string field)
    {
        Required(value, field);
        return ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) && sequence > 0
            ? sequence
            : throw ServiceException.InvalidArgument(field, $"'{value}' is not an id this service returned");
    }

    private static void SubjectText(string subject, string field)
    {
        Required(subject, field);
        if (subject.Length > 256 || subject.Split('.').Any(token => token.Length == 0 || token.Any(char.IsWhiteSpace)))
        {
            throw ServiceException.InvalidArgument(field, $"'{subject}' is not a NATS subject (dot-separated tokens, no spaces, at most 256 characters)");
        }
    }

    private static EventStreamContract Stream(string subject, string field)
    {
        var streams = EventContracts.StreamsCapturing(subject);
        return streams.Count == 1
            ? streams[0]
            : throw ServiceException.InvalidArgument(field, $"'{subject}' must fall within one event stream ({string.Join(", ", EventContracts.Streams.SelectMany(s => s.Subjects))})");
    }
}

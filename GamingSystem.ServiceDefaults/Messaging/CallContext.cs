using Google.Protobuf.Reflection;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>What a handler knows about the call besides the request: who, until when, and its headers.</summary>
public sealed class CallContext
{
    private static readonly AsyncLocal<CallContext?> CurrentContext = new();

    internal CallContext(MethodDescriptor method, NatsHeaders? headers, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        Method = method;
        Headers = headers;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>The call being handled on this flow, so outgoing calls inherit its deadline.</summary>
    public static CallContext? Current
    {
        get => CurrentContext.Value;
        internal set => CurrentContext.Value = value;
    }

    public MethodDescriptor Method { get; }

    public NatsHeaders? Headers { get; }

    public DateTimeOffset Deadline { get; }

    /// <summary>Cancelled when the deadline passes or the service shuts down.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The player the gateway authenticated, if any.</summary>
    public string? PlayerId => Header(MessagingHeaders.PlayerId);

    public string? IdempotencyKey => Header(MessagingHeaders.IdempotencyKey);

    public string? Header(string name) =>
        Headers is not null && Headers.TryGetValue(name, out var value) && value.Count > 0 ? value[^1] : null;
}

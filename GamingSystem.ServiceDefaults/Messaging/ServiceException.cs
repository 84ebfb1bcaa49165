using GamingSystem.Contracts.Common.V1;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// A failure a handler reports on purpose. It travels to the caller as a NATS micro error reply carrying
/// <see cref="Contracts.Common.V1.Error"/> and is thrown again there, with the same code and message.
/// </summary>
public sealed class ServiceException : Exception
{
    public ServiceException(Error error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public ServiceException(ErrorCode code, string message, string? field = null, IReadOnlyDictionary<string, string>? details = null)
        : this(Create(code, message, field, details))
    {
    }

    public Error Error { get; }

    public ErrorCode Code => Error.Code;

    /// <summary>
    /// The request reached no instance (NATS answered that nobody is subscribed), so nothing ran and any call may
    /// be sent again, idempotent or not. Known only on the caller's side.
    /// </summary>
    internal bool Undelivered { get; init; }

    public static ServiceException InvalidArgument(string field, string message) => new(ErrorCode.InvalidArgument, $"{field}: {message}", field);

    /// <summary>The request is larger than the message bus carries (NATS's max_payload): bad input, not a fault.</summary>
    public static ServiceException PayloadTooLarge(string message) =>
        new(ErrorCode.InvalidArgument, $"payload: {message}", "payload", new Dictionary<string, string> { [TooLargeDetail] = "true" });

    /// <summary>Set by <see cref="PayloadTooLarge"/>, so that an HTTP front can answer 413.</summary>
    public bool IsPayloadTooLarge => Error.Details.ContainsKey(TooLargeDetail);

    private const string TooLargeDetail = "too_large";

    /// <summary>The detail in which a refusing service says how many milliseconds to wait before trying again.</summary>
    public const string RetryAfterDetail = "retry_after_ms";

    public static ServiceException NotFound(string message) => new(ErrorCode.NotFound, message);

    public static ServiceException PermissionDenied(string message) => new(ErrorCode.PermissionDenied, message);

    public static ServiceException AlreadyExists(string message) => new(ErrorCode.AlreadyExists, message);

    public static ServiceException FailedPrecondition(string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(ErrorCode.FailedPrecondition, message, details: details);

    public static ServiceException Unavailable(string message) => new(ErrorCode.Unavailable, message);

    public static ServiceException DeadlineExceeded(string message) => new(ErrorCode.DeadlineExceeded, message);

    public static ServiceException Internal(string message) => new(ErrorCode.Internal, message);

    private static Error Create(ErrorCode code, string message, string? field, IReadOnlyDictionary<string, string>? details)
    {
        var error = new Error { Code = code, Message = message, Field = field ?? string.Empty };
        if (details is not null)
        {
            foreach (var (key, value) in details)
            {
                error.Details[key] = value;
            }
        }

        return error;
    }
}

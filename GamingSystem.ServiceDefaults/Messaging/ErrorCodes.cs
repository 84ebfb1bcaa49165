using GamingSystem.Contracts.Common.V1;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// The one mapping between error codes, HTTP statuses (used by the gateway and as the NATS micro
/// <c>Nats-Service-Error-Code</c>) and the upper-case names callers see.
/// </summary>
public static class ErrorCodes
{
    public static int ToHttpStatus(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument or ErrorCode.OutOfRange => 400,
        ErrorCode.Unauthenticated => 401,
        ErrorCode.PermissionDenied => 403,
        ErrorCode.NotFound => 404,
        ErrorCode.AlreadyExists or ErrorCode.FailedPrecondition or ErrorCode.Aborted => 409,
        ErrorCode.ResourceExhausted => 429,
        ErrorCode.Cancelled => 499,
        ErrorCode.Unimplemented => 501,
        ErrorCode.Unavailable => 503,
        ErrorCode.DeadlineExceeded => 504,
        _ => 500,
    };

    /// <summary>Best effort for an error reply that carries only a status code (e.g. from a non-SDK NATS micro service).</summary>
    public static ErrorCode FromHttpStatus(int status) => status switch
    {
        400 => ErrorCode.InvalidArgument,
        401 => ErrorCode.Unauthenticated,
        403 => ErrorCode.PermissionDenied,
        404 => ErrorCode.NotFound,
        409 => ErrorCode.FailedPrecondition,
        429 => ErrorCode.ResourceExhausted,
        499 => ErrorCode.Cancelled,
        501 => ErrorCode.Unimplemented,
        503 => ErrorCode.Unavailable,
        504 => ErrorCode.DeadlineExceeded,
        _ => ErrorCode.Internal,
    };

    /// <summary><see cref="ErrorCode.InvalidArgument"/> -> <c>INVALID_ARGUMENT</c>, as in the proto.</summary>
    public static string ToName(ErrorCode code) => Names.GetValueOrDefault(code, "UNKNOWN");

    private static readonly Dictionary<ErrorCode, string> Names = CommonReflection.Descriptor.EnumTypes
        .Single(e => e.ClrType == typeof(ErrorCode)).Values
        .ToDictionary(v => (ErrorCode)v.Number, v => v.Name["ERROR_CODE_".Length..]);
}

using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Gateway;

/// <summary>Every gateway error as RFC 7807 problem+json, with the status ARCHITECTURE.md assigns to its code.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult From(Error error, HttpContext context, int? status = null)
    {
        status ??= ErrorCodes.ToHttpStatus(error.Code);
        var code = ErrorCodes.ToName(error.Code);
        var extensions = new Dictionary<string, object?>
        {
            ["code"] = code,
        };
        if (error.Field.Length > 0)
        {
            extensions["field"] = error.Field;
        }

        if (error.Details.Count > 0)
        {
            extensions["details"] = new Dictionary<string, string>(error.Details);
        }

        return Results.Problem(
            detail: error.Message,
            instance: context.Request.Path,
            statusCode: status,
            title: code,
            type: $"https://gamingsystem.dev/problems/{code.ToLowerInvariant().Replace('_', '-')}",
            extensions: extensions);
    }

    public static IResult From(ErrorCode code, string message, HttpContext context, string? field = null) =>
        From(new Error { Code = code, Message = message, Field = field ?? string.Empty }, context);
}

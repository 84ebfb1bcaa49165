using System.Globalization;
using System.Text.Json;
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

        if (RetryAfter(error) is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return Results.Problem(
            detail: error.Message,
            instance: context.Request.Path,
            statusCode: status,
            title: code,
            type: TypeOf(code),
            extensions: extensions);
    }

    /// <summary>
    /// A service that refuses for lack of capacity says when to come back (<c>retry_after_ms</c>); HTTP clients and
    /// proxies read that from Retry-After, in whole seconds, rounded up so that "soon" never becomes "now".
    /// </summary>
    private static long? RetryAfter(Error error) =>
        error.Details.TryGetValue(ServiceException.RetryAfterDetail, out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? (milliseconds + 999) / 1000
            : null;

    /// <summary>The problem+json body of <paramref name="error"/>, for a stream that fails after its response began.</summary>
    public static string Json(Error error)
    {
        var code = ErrorCodes.ToName(error.Code);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = TypeOf(code),
            ["title"] = code,
            ["status"] = ErrorCodes.ToHttpStatus(error.Code),
            ["detail"] = error.Message,
            ["code"] = code,
        });
    }

    private static string TypeOf(string code) => $"https://gamingsystem.dev/problems/{code.ToLowerInvariant().Replace('_', '-')}";

    public static IResult From(ErrorCode code, string message, HttpContext context, string? field = null) =>
        From(new Error { Code = code, Message = message, Field = field ?? string.Empty }, context);
}

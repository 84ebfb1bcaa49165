using System.ClientModel;
using GamingSystem.ServiceDefaults.Messaging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GamingSystem.AiIntegration.OpenAi;

/// <summary>
/// What an OpenAI-compatible endpoint's failures mean to our callers. By the time one gets here the HTTP pipeline has
/// already retried what was worth retrying (429, 5xx, timeouts), so each is final.
/// </summary>
internal static class OpenAiErrors
{
    public static ServiceException? Map(string provider, Exception exception) => exception switch
    {
        ClientResultException { Status: 401 or 403 } failure => new ServiceException(
            Contracts.Common.V1.ErrorCode.FailedPrecondition,
            $"provider '{provider}' refused the configured key (HTTP {failure.Status}): check Key= in ConnectionStrings:{LlmConnection.Name}; retrying will not help",
            details: Details(provider, failure.Status)),
        ClientResultException { Status: 404 } failure => new ServiceException(
            Contracts.Common.V1.ErrorCode.FailedPrecondition,
            $"provider '{provider}' does not know the configured model or path (HTTP 404): check Endpoint= and Model= in ConnectionStrings:{LlmConnection.Name}",
            details: Details(provider, failure.Status)),
        ClientResultException { Status: 400 or 413 or 422 } failure => new ServiceException(
            Contracts.Common.V1.ErrorCode.InvalidArgument,
            $"provider '{provider}' refused the request (HTTP {failure.Status}): {Brief(failure.Message)}",
            details: Details(provider, failure.Status)),
        ClientResultException { Status: 429 } failure => Unavailable(provider, $"is rate limiting us (HTTP 429) and still was after retries", failure.Status),
        ClientResultException { Status: >= 500 } failure => Unavailable(provider, $"failed (HTTP {failure.Status}) and still did after retries", failure.Status),
        ClientResultException { Status: 0 } or HttpRequestException => Unavailable(provider, "could not be reached", 0),
        BrokenCircuitException => Unavailable(provider, "failed too often recently; its circuit is open", 0),
        TimeoutRejectedException => Unavailable(provider, "did not answer in time", 0),
        ClientResultException failure => new ServiceException(
            Contracts.Common.V1.ErrorCode.Internal, $"provider '{provider}' answered HTTP {failure.Status}", details: Details(provider, failure.Status)),
        _ => null,
    };

    private static ServiceException Unavailable(string provider, string what, int status) =>
        new(Contracts.Common.V1.ErrorCode.Unavailable, $"provider '{provider}' {what}", details: Details(provider, status));

    private static Dictionary<string, string> Details(string provider, int status) => status == 0
        ? new() { ["provider"] = provider }
        : new() { ["provider"] = provider, ["http_status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>The provider's own words, first line and bounded: they help, but must not flood a reply.</summary>
    private static string Brief(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= 200 ? line : line[..200] + "...";
    }
}

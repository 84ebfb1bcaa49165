using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.PerformanceMode.Mode;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.PerformanceMode.Handlers;

/// <summary>
/// An operator's override of the mode for ttl_seconds (1-86400); setting it again replaces it, so the same request
/// twice leaves one override. To hand back to the derived mode early, set the derived mode for one second.
/// </summary>
public sealed partial class SetServerModeHandler(ModeOverrideStore overrides, ServerStatusReader reader, ILogger<SetServerModeHandler> logger)
    : IServiceHandler<SetServerModeRequest, ServerStatus>
{
    public const int MaxTtlSeconds = 86_400;
    public const int MaxReasonLength = 200;

    public async ValueTask<ServerStatus> HandleAsync(SetServerModeRequest request, CallContext context)
    {
        if (request.Mode == ServerMode.Unspecified || !Enum.IsDefined(request.Mode))
        {
            throw ServiceException.InvalidArgument("mode", "must be SERVER_MODE_NORMAL, SERVER_MODE_DEGRADED or SERVER_MODE_SURVIVAL");
        }

        if (request.TtlSeconds is < 1 or > MaxTtlSeconds)
        {
            throw ServiceException.InvalidArgument("ttlSeconds", $"is {request.TtlSeconds}; an override lasts 1 to {MaxTtlSeconds} seconds");
        }

        if (request.Reason.Length > MaxReasonLength || request.Reason.Any(char.IsControl))
        {
            throw ServiceException.InvalidArgument("reason", $"must be at most {MaxReasonLength} characters without control characters");
        }

        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "no reason given" : request.Reason.Trim();
        await overrides.SetAsync(request.Mode, reason, TimeSpan.FromSeconds(request.TtlSeconds)).ConfigureAwait(false);
        LogOverridden(request.Mode.ToString(), request.TtlSeconds, reason, context.PlayerId ?? "a service");
        return await reader.ReadAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Server mode overridden to {Mode} for {Ttl} s by {Caller}: {Reason}")]
    private partial void LogOverridden(string mode, int ttl, string reason, string caller);
}

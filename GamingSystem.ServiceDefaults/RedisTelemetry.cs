using System.Diagnostics;

namespace GamingSystem.ServiceDefaults;

/// <summary>
/// Client spans for Redis commands. No StackExchange.Redis instrumentation package is available here,
/// so stores wrap their round trips in <see cref="StartCommand"/> and a trace shows where the time went.
/// </summary>
public sealed class RedisTelemetry(bool disabled)
{
    public const string ActivitySourceName = "GamingSystem.Redis";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Starts a client span named for the command, e.g. <c>EVALSHA state-manager:put</c>.</summary>
    public Activity? StartCommand(string command, string? target = null)
    {
        if (disabled)
        {
            return null;
        }

        var activity = Source.StartActivity(target is null ? command : $"{command} {target}", ActivityKind.Client);
        activity?.SetTag("db.system.name", "redis");
        activity?.SetTag("db.operation.name", command);
        return activity;
    }
}

using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Marks a resource for restart when its process ends with a non-zero exit code (a crash, not a stop).</summary>
public sealed class RestartOnCrashAnnotation(RestartBackoff backoff) : IResourceAnnotation
{
    public RestartBackoff Backoff { get; } = backoff;
}

/// <summary>
/// Delay before restart number <c>n</c> (1-based): <see cref="Initial"/>, doubled each time up to <see cref="Max"/>.
/// A process that stayed up for <see cref="ResetAfter"/> starts again from the initial delay.
/// </summary>
public sealed record RestartBackoff(TimeSpan Initial, TimeSpan Max, TimeSpan ResetAfter)
{
    public static RestartBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

    public TimeSpan DelayBefore(int restart)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(restart, 1);
        var factor = Math.Pow(2, Math.Min(restart - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(Initial.Ticks * factor, Max.Ticks));
    }
}

public static class RestartOnCrashExtensions
{
    /// <summary>
    /// Restarts the resource with Aspire's own start command when its process crashes, after a delay that grows
    /// with each crash in a row. Stopping it from the dashboard (exit code 0) is left alone. Each restart is
    /// written to the resource's console log and counted in its <c>restarts</c> property in the dashboard.
    /// </summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder, RestartBackoff? backoff = null)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ApplicationBuilder.Services.TryAddEventingSubscriber<CrashRestarter>();
        return builder.WithAnnotation(new RestartOnCrashAnnotation(backoff ?? RestartBackoff.Default), ResourceAnnotationMutationBehavior.Replace);
    }
}

/// <summary>Watches resource states and restarts the crashed instances of resources that ask for it.</summary>
internal sealed partial class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<CrashRestarter> logger) : IDistributedApplicationEventingSubscriber
{
    public const string RestartsProperty = "restarts";

    private readonly ConcurrentDictionary<string, InstanceHistory> _instances = new();

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
            {
                _ = WatchAsync(lifetime.ApplicationStopping);
                return Task.CompletedTask;
            });
        }

        return Task.CompletedTask;
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (update.Resource.TryGetLastAnnotation<RestartOnCrashAnnotation>(out var policy))
                {
                    Observe(update, policy.Backoff, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Observe(ResourceEvent update, RestartBackoff backoff, CancellationToken stopping)
    {
        var history = _instances.GetOrAdd(update.ResourceId, _ => new InstanceHistory());
        var state = update.Snapshot.State?.Text;
        var wasTerminal = history.LastState is { } last && KnownResourceStates.TerminalStates.Contains(last);
        history.LastState = state;

        if (state == KnownResourceStates.Running && update.Snapshot.StartTimeStamp is { } started)
        {
            history.StartedAt = started;
        }

        var crashed = KnownResourceStates.TerminalStates.Contains(state) && !wasTerminal && update.Snapshot.ExitCode is not 0;
        if (!crashed || stopping.IsCancellationRequested)
        {
            return;
        }

        var ranFor = time.GetUtcNow().UtcDateTime - (history.StartedAt ?? DateTime.MinValue);
        history.CrashesInARow = ranFor >= backoff.ResetAfter ? 1 : history.CrashesInARow + 1;
        history.Restarts++;
        _ = RestartAsync(update, history.CrashesInARow, history.Restarts, backoff.DelayBefore(history.CrashesInARow), stopping);
    }

    private async Task RestartAsync(ResourceEvent update, int attempt, int restarts, TimeSpan delay, CancellationToken stopping)
    {
        var resourceLog = resourceLogs.GetLogger(update.ResourceId);
        LogCrash(resourceLog, update.Snapshot.ExitCode, attempt, delay.TotalSeconds);
        LogResourceCrash(logger, update.ResourceId, update.Snapshot.ExitCode, attempt, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            await notifications.PublishUpdateAsync(update.Resource, update.ResourceId, snapshot => snapshot with
            {
                Properties = [.. snapshot.Properties.Where(p => p.Name != RestartsProperty), new(RestartsProperty, restarts)],
            }).ConfigureAwait(false);
            var result = await commands.ExecuteCommandAsync(update.ResourceId, KnownResourceCommands.StartCommand, stopping).ConfigureAwait(false);
            if (!result.Success)
            {
                LogRestartFailed(logger, update.ResourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Crashed with exit code {ExitCode}; restart {Attempt} in {DelaySeconds} s")]
    private static partial void LogCrash(ILogger logger, int? exitCode, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Resource} crashed with exit code {ExitCode}; restart {Attempt} in {DelaySeconds} s")]
    private static partial void LogResourceCrash(ILogger logger, string resource, int? exitCode, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Restarting {Resource} failed: {Message}")]
    private static partial void LogRestartFailed(ILogger logger, string resource, string? message);

    private sealed class InstanceHistory
    {
        public string? LastState { get; set; }

        public DateTime? StartedAt { get; set; }

        public int CrashesInARow { get; set; }

        public int Restarts { get; set; }
    }
}

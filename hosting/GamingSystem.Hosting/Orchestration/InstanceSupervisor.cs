using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Orchestration.Health;
using GamingSystem.Hosting.Orchestration.Launchers;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Keeps one instance running: waits for its dependencies, starts it, probes it, restarts it
/// with backoff when it exits on its own, and parks it when it is stopped on purpose.
/// </summary>
internal sealed partial class InstanceSupervisor(
    ResourceInstance instance,
    IResourceLauncher launcher,
    SupervisorServices services,
    Func<CancellationToken, Task> waitForDependencies)
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _commandSignal = NewSignal();
    private bool _held;
    private bool _restarting;
    private ChildProcess? _child;
    private Task _loop = Task.CompletedTask;

    public ResourceInstance Instance => instance;

    public void Start() => _loop = Task.Run(() => SuperviseAsync(_shutdown.Token));

    /// <summary>Deliberate stop: the instance stays down until <see cref="Resume"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ChildProcess? child;
        lock (_lock)
        {
            _held = true;
            child = _child;
            SignalCommand();
        }

        if (child is not null)
        {
            instance.Update(s => s with { State = ResourceState.Stopping });
            await child.StopAsync(services.StopGracePeriod).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the process and starts it again, showing <see cref="ResourceState.Restarting"/> meanwhile.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        ChildProcess? child;
        lock (_lock)
        {
            _held = true;
            _restarting = true;
            child = _child;
            SignalCommand();
        }

        // The hold keeps the supervisor from taking the exit for a crash; it lifts itself once the
        // loop sees the restart (WaitWhileHeldAsync), so there is no window for a second, automatic restart.
        instance.Update(s => s with { State = ResourceState.Restarting, Health = ResourceHealth.Unknown, RestartCount = s.RestartCount + 1 });
        if (child is not null)
        {
            await child.StopAsync(services.StopGracePeriod).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Resume()
    {
        lock (_lock)
        {
            _held = false;
            _restarting = false;
            SignalCommand();
        }
    }

    /// <summary>Ends supervision for good and stops the process; called once, in dependency order.</summary>
    public async Task ShutdownAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);

        ChildProcess? child;
        lock (_lock)
        {
            child = _child;
            _child = null;
        }

        if (child is null)
        {
            return;
        }

        instance.Update(s => s with { State = ResourceState.Stopping });
        var exitCode = await child.StopAsync(services.StopGracePeriod).ConfigureAwait(false);
        child.Dispose();
        instance.Update(s => s with { State = ResourceState.Exited, Health = ResourceHealth.Unknown, ExitCode = exitCode, ProcessId = null });
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        try
        {
            instance.Update(s => s with { State = ResourceState.Waiting });
            await waitForDependencies(cancellationToken).ConfigureAwait(false);
            var crashStreak = 0;
            while (true)
            {
                await WaitWhileHeldAsync(cancellationToken).ConfigureAwait(false);
                var exit = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                if (IsHeld)
                {
                    instance.Update(s => s with { ExitCode = exit.Code });
                    continue;
                }

                crashStreak = services.RestartPolicy.EndsCrashStreak(exit.HealthyFor) ? 0 : crashStreak;
                var delay = services.RestartPolicy.GetDelay(crashStreak++);
                LogUnexpectedExit(services.Logger, instance.Name, exit.Code, delay.TotalSeconds);
                instance.Update(s => s with
                {
                    State = ResourceState.Restarting,
                    Health = ResourceHealth.Unknown,
                    ExitCode = exit.Code,
                    ProcessId = null,
                    RestartCount = s.RestartCount + 1,
                });
                await WaitForDelayOrCommandAsync(delay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: ShutdownAsync stops whatever is still running.
        }
        catch (Exception ex) when (ex is DistributedApplicationException or IOException or UnauthorizedAccessException)
        {
            LogFailedToStart(services.Logger, instance.Name, ex.Message);
            instance.Update(s => s with { State = ResourceState.FailedToStart, Health = ResourceHealth.Unknown, Message = ex.Message });
        }
    }

    private bool IsHeld
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    private async Task<ProcessExit> RunOnceAsync(CancellationToken cancellationToken)
    {
        bool restarting;
        lock (_lock)
        {
            restarting = _restarting;
            _restarting = false;
        }

        instance.Update(s => s with { State = restarting ? ResourceState.Restarting : ResourceState.Starting, Message = null });
        var spec = await launcher.PrepareAsync(instance, services.Run, cancellationToken).ConfigureAwait(false);
        var child = await services.Runner.StartAsync(spec, OnOutputLine).ConfigureAwait(false);
        bool heldMeanwhile;
        lock (_lock)
        {
            _child = child;
            heldMeanwhile = _held;
        }

        LogStarted(services.Logger, instance.Name, child.Id);
        instance.Update(s => s with
        {
            State = ResourceState.Running,
            Health = ResourceHealth.Unknown,
            ProcessId = child.Id,
            StartedAt = child.StartedAt,
            ExitCode = null,
            Endpoints = [.. services.Run.GetEndpoints(instance.Resource, instance.ReplicaIndex).Select(e => new EndpointSnapshot(e.Name, e.Endpoint.Url))],
            Environment = ResourceInstance.Mask(spec.Environment),
        });
        if (heldMeanwhile)
        {
            // A stop command arrived while this instance was being launched.
            _ = child.StopAsync(services.StopGracePeriod);
        }

        var healthySince = (long?)null;
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probe = launcher.CreateHealthProbe(instance, services.Run, services.ProbeClient);
        var monitor = HealthMonitor.RunAsync(probe, ReportHealth, services.TimeProvider, probing.Token);

        // Cancellation (shutdown) leaves the child registered for ShutdownAsync to stop.
        var exitCode = await child.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        await probing.CancelAsync().ConfigureAwait(false);
        await monitor.ConfigureAwait(false);
        lock (_lock)
        {
            _child = null;
        }

        child.Dispose();
        var healthyFor = healthySince is { } since ? services.TimeProvider.GetElapsedTime(since) : TimeSpan.Zero;
        return new ProcessExit(exitCode, healthyFor);

        void ReportHealth(bool healthy)
        {
            healthySince = healthy ? healthySince ?? services.TimeProvider.GetTimestamp() : null;
            var health = healthy ? ResourceHealth.Healthy : ResourceHealth.Unhealthy;
            instance.Update(s => s.State == ResourceState.Running && s.Health != health ? s with { Health = health } : s);
        }
    }

    private void OnOutputLine(string line, bool isErrorStream)
    {
        instance.Logs.Append(line, isErrorStream);
        if (services.ForwardConsoleLogs)
        {
            ConsoleLogForwarder.Write(instance.Name, line, isErrorStream);
        }
    }

    private async Task WaitWhileHeldAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task command;
            lock (_lock)
            {
                if (_restarting)
                {
                    _held = false;
                }

                if (!_held)
                {
                    return;
                }

                command = _commandSignal.Task;
            }

            instance.Update(s => s with { State = s.State == ResourceState.Restarting ? ResourceState.Restarting : ResourceState.Exited, Health = ResourceHealth.Unknown, ProcessId = null });
            await command.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitForDelayOrCommandAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Task command;
        lock (_lock)
        {
            command = _commandSignal.Task;
        }

        // A stop or start command cuts the backoff short; the loop then acts on it.
        var wait = Task.Delay(delay, services.TimeProvider, cancellationToken);
        await Task.WhenAny(wait, command).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void SignalCommand()
    {
        var previous = _commandSignal;
        _commandSignal = NewSignal();
        previous.SetResult();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "{Instance} started with pid {ProcessId}")]
    private static partial void LogStarted(ILogger logger, string instance, int processId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "{Instance} exited unexpectedly with code {ExitCode}; restarting in {DelaySeconds} s")]
    private static partial void LogUnexpectedExit(ILogger logger, string instance, int exitCode, double delaySeconds);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "{Instance} failed to start: {Reason}")]
    private static partial void LogFailedToStart(ILogger logger, string instance, string reason);

    private sealed record ProcessExit(int Code, TimeSpan HealthyFor);
}

/// <summary>What every supervisor of a run shares.</summary>
internal sealed record SupervisorServices(
    RunContext Run,
    ProcessRunner Runner,
    HttpClient ProbeClient,
    RestartPolicy RestartPolicy,
    TimeSpan StopGracePeriod,
    bool ForwardConsoleLogs,
    TimeProvider TimeProvider,
    ILogger Logger);

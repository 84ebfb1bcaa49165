using System.Collections.Concurrent;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Orchestration.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace GamingSystem.Orchestration;

/// <summary>Bound from <c>Orchestration:Runner</c>.</summary>
public sealed class WorkflowRunnerOptions
{
    public const string SectionName = "Orchestration:Runner";

    /// <summary>How often the running set is read for workflows nobody runs (after a crash, or started elsewhere).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a process holds a workflow without renewing: a crashed runner's workflows resume after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest one run of a step (or of its compensation) may take before it counts as a transient failure.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs of a step, the first included, before a transient failure fails it.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first transient failure; doubled after each next one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Runs workflows to their end: each step in order, its state persisted before and after, transient failures retried
/// with backoff, and on a failure or a cancel the steps so far compensated in reverse. A process runs a workflow only
/// while it holds the workflow's lease, so replicas never run one twice, and the workflows of a process that died are
/// taken over by the next scan of the running set once their leases lapse: a restarted orchestration resumes them.
/// </summary>
public sealed partial class WorkflowRunner(
    WorkflowStore store,
    IEnumerable<IWorkflow> workflows,
    IOptions<WorkflowRunnerOptions> options,
    TimeProvider time,
    ILogger<WorkflowRunner> logger) : BackgroundService
{
    private readonly WorkflowStore _store = store;
    private readonly TimeProvider _time = time;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<string, IWorkflow> _workflows = workflows.ToDictionary(w => w.Name, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _active = new(StringComparer.Ordinal);
    private readonly WorkflowRunnerOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, byte> _unknown = new(StringComparer.Ordinal);
    private CancellationToken _stopping = CancellationToken.None;

    public IWorkflow? Find(string name) => _workflows.GetValueOrDefault(name);

    public IEnumerable<string> Names => _workflows.Keys.Order(StringComparer.Ordinal);

    /// <summary>Starts running a workflow in this process now, unless it already runs here or elsewhere.</summary>
    public void Run(string id)
    {
        var cancel = new CancellationTokenSource();
        if (!_active.TryAdd(id, cancel))
        {
            cancel.Dispose();
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RunLeasedAsync(id, cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                LogRunFailed(id, ex);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _active.TryRemove(id, out _);
                cancel.Dispose();
            }
        });
    }

    /// <summary>A cancel was stored for this workflow: a step of it running here stops now, not at the next lease renewal.</summary>
    public void Cancelled(string id)
    {
        if (_active.TryGetValue(id, out var cancel))
        {
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var timer = new PeriodicTimer(_options.ScanInterval, _time);
        try
        {
            do
            {
                try
                {
                    foreach (var id in await _store.RunningAsync().ConfigureAwait(false))
                    {
                        Run(id);
                    }
                }
                catch (StackExchange.Redis.RedisException ex)
                {
                    LogScanFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunLeasedAsync(string id, CancellationTokenSource cancel)
    {
        if (!await _store.TryClaimAsync(id, _owner, _options.LeaseDuration).ConfigureAwait(false))
        {
            return;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        var renewing = RenewAsync(id, run, cancel);
        try
        {
            await RunWorkflowAsync(id, run.Token, cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            await run.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            // Handing the lease back at once lets another replica (or this process after a restart) take over now.
            await _store.ReleaseAsync(id, _owner).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps the lease while the workflow runs; stops the run when it is lost, and sees a cancel stored by another replica.</summary>
    private async Task RenewAsync(string id, CancellationTokenSource run, CancellationTokenSource cancel)
    {
        using var timer = new PeriodicTimer(_options.LeaseDuration / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token).ConfigureAwait(false))
            {
                try
                {
                    if (!await _store.RenewAsync(id, _owner, _options.LeaseDuration).ConfigureAwait(false))
                    {
                        LogLeaseLost(id);
                        await run.CancelAsync().ConfigureAwait(false);
                        return;
                    }

                    if (await _store.CancelRequestedAsync(id).ConfigureAwait(false))
                    {
                        await cancel.CancelAsync().ConfigureAwait(false);
                    }
                }
                catch (StackExchange.Redis.RedisException ex)
                {
                    // Until the lease lapses it is still ours; a Redis that stays away ends the run when it does.
                    LogRenewFailed(id, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunWorkflowAsync(string id, CancellationToken run, CancellationToken cancel)
    {
        if (await _store.LoadAsync(id).ConfigureAwait(false) is not { } record || record.Workflow.Status != WorkflowStatus.Running)
        {
            return;
        }

        var workflow = record.Workflow;
        var data = new Dictionary<string, Struct>(record.Data, StringComparer.Ordinal);
        var execution = new Execution(this, workflow, data, run);
        if (!_workflows.TryGetValue(workflow.Name, out var definition))
        {
            // Started by a newer version of this service (a rolling update): left for a replica that knows it.
            if (_unknown.TryAdd(id, 0))
            {
                LogUnknown(workflow.Name, id);
            }

            return;
        }

        var cancelled = record.CancelRequested;
        var undoing = cancelled || workflow.Steps.Any(step => step.Status is StepStatus.Failed or StepStatus.Compensating or StepStatus.Compensated);
        if (!undoing)
        {
            LogRunning(workflow.Name, id, workflow.PlayerId);
            for (var index = 0; index < definition.Steps.Count && !undoing; index++)
            {
                var step = workflow.Steps[index];
                if (step.Status is StepStatus.Completed or StepStatus.Skipped)
                {
                    continue;
                }

                cancelled = cancel.IsCancellationRequested;
                undoing = cancelled || !await execution.RunStepAsync(definition.Steps[index], step, cancel).ConfigureAwait(false);
                cancelled |= cancel.IsCancellationRequested;
            }

            if (!undoing)
            {
                await execution.EndAsync(WorkflowStatus.Completed).ConfigureAwait(false);
                LogEnded(workflow.Name, id, workflow.Status);
                return;
            }
        }

        await execution.CompensateAsync(definition, cancelled ? WorkflowStatus.Cancelled : WorkflowStatus.Compensated).ConfigureAwait(false);
        LogEnded(workflow.Name, id, workflow.Status);
    }

    /// <summary>Failures worth another run of the step: the bus or a service was away, slow or busy.</summary>
    private static bool Transient(Exception exception) => exception switch
    {
        ServiceException service => service.Code is ErrorCode.Unavailable or ErrorCode.DeadlineExceeded or ErrorCode.ResourceExhausted
            or ErrorCode.Aborted or ErrorCode.Internal or ErrorCode.Unknown,
        TimeoutException or StackExchange.Redis.RedisException => true,
        _ => false,
    };

    /// <summary>One workflow as one run sees it: every change is saved at once, fenced by the lease.</summary>
    private sealed class Execution(WorkflowRunner runner, Workflow workflow, Dictionary<string, Struct> data, CancellationToken run)
    {
        private WorkflowRunnerOptions Options => runner._options;

        private Timestamp Now => Timestamp.FromDateTimeOffset(runner._time.GetUtcNow());

        /// <summary>Runs a step until it completes (true) or fails for good or is cancelled (false).</summary>
        public async Task<bool> RunStepAsync(IWorkflowStep definition, WorkflowStep step, CancellationToken cancel)
        {
            var context = Context(definition.Name, out var attempt);
            while (true)
            {
                step.Status = StepStatus.Running;
                step.Attempts++;
                step.StartedAt ??= Now;
                await SaveAsync().ConfigureAwait(false);
                try
                {
                    var outcome = await WithinStepTimeoutAsync(token => definition.RunAsync(context(token)), cancel).ConfigureAwait(false);
                    step.Status = outcome.Skipped ? StepStatus.Skipped : StepStatus.Completed;
                    step.Detail = outcome.Detail;
                    step.Error = string.Empty;
                    step.FinishedAt = Now;
                    await SaveAsync().ConfigureAwait(false);
                    return true;
                }
                catch (OperationCanceledException) when (run.IsCancellationRequested)
                {
                    // Stopping, or the lease is gone: the step stays RUNNING for whoever resumes the workflow.
                    throw;
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    step.Error = "cancelled while running";
                    return false;
                }
                catch (Exception ex) when (Transient(ex) && step.Attempts < Options.MaxAttempts)
                {
                    step.Error = Describe(ex);
                    await SaveAsync().ConfigureAwait(false);
                    runner.LogStepRetry(workflow.Id, step.Name, step.Attempts, step.Error);
                    await Task.Delay(Backoff(++attempt), runner._time, cancel).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not LeaseLostException)
                {
                    step.Status = StepStatus.Failed;
                    step.Error = Describe(ex);
                    step.FinishedAt = Now;
                    workflow.Error = $"{step.Name}: {step.Error}";
                    await SaveAsync().ConfigureAwait(false);
                    runner.LogStepFailed(workflow.Id, step.Name, step.Error);
                    return false;
                }
            }
        }

        /// <summary>Undoes, newest first, every step whose effect may exist; a compensation that keeps failing fails the workflow.</summary>
        public async Task CompensateAsync(IWorkflow definition, WorkflowStatus end)
        {
            for (var index = workflow.Steps.Count - 1; index >= 0; index--)
            {
                var step = workflow.Steps[index];
                if (step.Status is not (StepStatus.Completed or StepStatus.Failed or StepStatus.Running or StepStatus.Compensating))
                {
                    continue;
                }

                step.Status = StepStatus.Compensating;
                await SaveAsync().ConfigureAwait(false);
                var context = Context(step.Name, out var attempt);
                while (true)
                {
                    try
                    {
                        step.Detail = await WithinStepTimeoutAsync(token => definition.Steps[index].CompensateAsync(context(token)), CancellationToken.None).ConfigureAwait(false);
                        step.Status = StepStatus.Compensated;
                        step.FinishedAt = Now;
                        await SaveAsync().ConfigureAwait(false);
                        break;
                    }
                    catch (OperationCanceledException) when (run.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception ex) when (Transient(ex) && ++attempt < Options.MaxAttempts)
                    {
                        runner.LogStepRetry(workflow.Id, step.Name, attempt, Describe(ex));
                        await Task.Delay(Backoff(attempt), runner._time, run).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not LeaseLostException)
                    {
                        step.Error = $"compensation failed: {Describe(ex)}";
                        workflow.Error = string.IsNullOrEmpty(workflow.Error)
                            ? $"{step.Name}: {step.Error}"
                            : $"{workflow.Error}; {step.Name}: {step.Error}";
                        runner.LogStepFailed(workflow.Id, step.Name, step.Error);
                        await EndAsync(WorkflowStatus.Failed).ConfigureAwait(false);
                        return;
                    }
                }
            }

            await EndAsync(end).ConfigureAwait(false);
        }

        public Task EndAsync(WorkflowStatus status)
        {
            workflow.Status = status;
            return SaveAsync();
        }

        private Func<CancellationToken, StepContext> Context(string step, out int attempt)
        {
            attempt = 0;
            if (!data.TryGetValue(step, out var stepData))
            {
                stepData = new Struct();
                data[step] = stepData;
            }

            workflow.Output ??= new Struct();
            workflow.Input ??= new Struct();
            return token => new StepContext(workflow.Id, workflow.PlayerId, workflow.Input, workflow.Output, stepData, () => SaveAsync(step, stepData), token);
        }

        private async Task<T> WithinStepTimeoutAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancel)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(run, cancel);
            attempt.CancelAfter(Options.StepTimeout);
            try
            {
                return await action(attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!run.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer within {Options.StepTimeout.TotalSeconds:0.#} s");
            }
        }

        private TimeSpan Backoff(int attempt) => Options.RetryBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 6));

        private async Task SaveAsync(string? step = null, Struct? stepData = null)
        {
            workflow.UpdatedAt = Now;
            if (!await runner._store.SaveAsync(workflow, runner._owner, step, stepData).ConfigureAwait(false))
            {
                throw new LeaseLostException(workflow.Id);
            }
        }

        private static string Describe(Exception exception) => exception switch
        {
            ServiceException service => $"{ErrorCodes.ToName(service.Code)}: {service.Message}",
            _ => exception.Message,
        };
    }

    /// <summary>Another process took the workflow over: this one stops writing it.</summary>
    private sealed class LeaseLostException(string id) : Exception($"the lease of workflow {id} was lost");

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Name} {Id} for player {PlayerId} is running")]
    private partial void LogRunning(string name, string id, string playerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Name} {Id} ended {Status}")]
    private partial void LogEnded(string name, string id, WorkflowStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Id}: step {Step} failed on attempt {Attempt} and will be retried: {Error}")]
    private partial void LogStepRetry(string id, string step, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Id}: step {Step} failed: {Error}")]
    private partial void LogStepFailed(string id, string step, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {Id} stopped running in this process; the next scan resumes it")]
    private partial void LogRunFailed(string id, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Id} is a {Name}, which this version does not know; it is left to a replica that does")]
    private partial void LogUnknown(string name, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the running workflows")]
    private partial void LogScanFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Id}: its lease went to another process; this one stops")]
    private partial void LogLeaseLost(string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Id}: could not renew its lease")]
    private partial void LogRenewFailed(string id, Exception exception);
}

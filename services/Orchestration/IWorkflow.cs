using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Orchestration;

/// <summary>
/// A built-in workflow: named steps run in order, each with a compensation that undoes it. The runner persists the
/// state after every change, so any step may run again after a crash: a step must be idempotent, and so must its
/// compensation.
/// </summary>
public interface IWorkflow
{
    /// <summary>What <c>StartWorkflow</c> is called with, e.g. "player-onboarding".</summary>
    string Name { get; }

    /// <summary>At most one per player that is running or has completed; starting another returns that one.</summary>
    bool OncePerPlayer { get; }

    IReadOnlyList<IWorkflowStep> Steps { get; }

    /// <summary>Refuses an input the workflow cannot run with, by <see cref="ServiceDefaults.Messaging.ServiceException.InvalidArgument"/> naming the field.</summary>
    void Validate(Struct input);
}

public interface IWorkflowStep
{
    string Name { get; }

    /// <summary>Does the step's work, or finds it done by an earlier run; returns what it did.</summary>
    Task<StepOutcome> RunAsync(StepContext context);

    /// <summary>
    /// Undoes the step. Also called for a step that failed or was cut short, whose effect may or may not have
    /// happened: it must undo exactly what happened, nothing when nothing did.
    /// </summary>
    Task<string> CompensateAsync(StepContext context);
}

/// <summary>A step's result: what it did, or that it was skipped and why.</summary>
public sealed record StepOutcome(string Detail, bool Skipped = false)
{
    public static StepOutcome Done(string detail) => new(detail);

    public static StepOutcome Skip(string reason) => new(reason, Skipped: true);
}

/// <summary>What a step sees: the workflow, its own saved data, and a way to save it before acting on it.</summary>
public sealed class StepContext(string workflowId, string playerId, Struct input, Struct output, Struct data, Func<Task> saveData, CancellationToken cancellationToken)
{
    public string WorkflowId { get; } = workflowId;

    /// <summary>The player who started the workflow; the step acts for them.</summary>
    public string PlayerId { get; } = playerId;

    public Struct Input { get; } = input;

    /// <summary>The workflow's output; a step adds what the player should see.</summary>
    public Struct Output { get; } = output;

    /// <summary>The step's own memory across runs and crashes, e.g. what to restore when it is compensated.</summary>
    public Struct Data { get; } = data;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Persists <see cref="Data"/> now: call it before an effect that compensation must know about.</summary>
    public Task SaveDataAsync() => saveData();
}

public static class Workflows
{
    /// <summary>A new workflow of <paramref name="definition"/> for a player, RUNNING with every step PENDING.</summary>
    public static Contracts.Orchestration.V1.Workflow Create(IWorkflow definition, string playerId, Struct input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var timestamp = Timestamp.FromDateTimeOffset(now);
        var workflow = new Contracts.Orchestration.V1.Workflow
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Name = definition.Name,
            Status = Contracts.Orchestration.V1.WorkflowStatus.Running,
            Input = input,
            Output = new Struct(),
            PlayerId = playerId,
            CreatedAt = timestamp,
            UpdatedAt = timestamp,
        };
        workflow.Steps.Add(definition.Steps.Select(step => new Contracts.Orchestration.V1.WorkflowStep
        {
            Name = step.Name,
            Status = Contracts.Orchestration.V1.StepStatus.Pending,
        }));
        return workflow;
    }
}

using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Orchestration.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GamingSystem.Orchestration.Tests;

/// <summary>
/// The runner against a real redis-server, with workflows whose steps do what each test needs: succeed, fail for a
/// while or for good, hang until cancelled. Every test has players and workflows of its own.
/// </summary>
public sealed class WorkflowRunnerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan EndsWithin = TimeSpan.FromSeconds(15);

    private readonly WorkflowStore _store = new(redis.Redis);
    private readonly List<WorkflowRunner> _runners = [];
    private readonly string _player = "player-" + Guid.NewGuid().ToString("N")[..8];

    private static WorkflowRunnerOptions Options => new()
    {
        ScanInterval = TimeSpan.FromMilliseconds(100),
        LeaseDuration = TimeSpan.FromMilliseconds(1500),
        StepTimeout = TimeSpan.FromSeconds(5),
        MaxAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.StopAsync(CancellationToken.None);
            runner.Dispose();
        }
    }

    [Fact]
    public async Task Steps_run_once_each_in_order_and_the_workflow_completes_with_their_output_and_details()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (context, _) =>
            {
                context.Output.Fields["a"] = Value.ForString("done");
                return StepOutcome.Done("did a");
            }),
            new TestStep("b", log, (_, _) => StepOutcome.Skip("b is not needed")));

        var workflow = await RunToEndAsync(definition);

        Assert.Equal(WorkflowStatus.Completed, workflow.Status);
        Assert.Equal(["run a", "run b"], log);
        Assert.Equal([StepStatus.Completed, StepStatus.Skipped], workflow.Steps.Select(s => s.Status));
        Assert.Equal(["did a", "b is not needed"], workflow.Steps.Select(s => s.Detail));
        Assert.All(workflow.Steps, step => Assert.Equal(1, step.Attempts));
        Assert.All(workflow.Steps, step => Assert.NotNull(step.FinishedAt));
        Assert.Equal("done", workflow.Output.Fields["a"].StringValue);
        Assert.DoesNotContain(workflow.Id, await _store.RunningAsync());
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_the_data_saved_before_it_is_there_on_the_retry()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(new TestStep("flaky", log, (context, attempt) =>
        {
            if (attempt == 1)
            {
                context.Data.Fields["first"] = Value.ForString("kept");
                context.SaveDataAsync().GetAwaiter().GetResult();
                throw ServiceException.Unavailable("the service is away");
            }

            return StepOutcome.Done($"saw {context.Data.Fields["first"].StringValue}");
        }));

        var workflow = await RunToEndAsync(definition);

        Assert.Equal(WorkflowStatus.Completed, workflow.Status);
        Assert.Equal(2, workflow.Steps[0].Attempts);
        Assert.Equal("saw kept", workflow.Steps[0].Detail);
        Assert.Empty(workflow.Steps[0].Error);
    }

    [Fact]
    public async Task A_step_failing_transiently_every_time_fails_after_max_attempts_and_all_steps_so_far_are_compensated_newest_first()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a")),
            new TestStep("b", log, (_, _) => StepOutcome.Done("b")),
            new TestStep("c", log, (_, _) => throw ServiceException.Unavailable("c's service is away")),
            new TestStep("d", log, (_, _) => StepOutcome.Done("d")));

        var workflow = await RunToEndAsync(definition);

        Assert.Equal(WorkflowStatus.Compensated, workflow.Status);
        Assert.Equal(["run a", "run b", "run c", "run c", "run c", "undo c", "undo b", "undo a"], log);
        Assert.Equal(Options.MaxAttempts, workflow.Steps[2].Attempts);
        Assert.Equal("c: UNAVAILABLE: c's service is away", workflow.Error);
        Assert.Equal([StepStatus.Compensated, StepStatus.Compensated, StepStatus.Compensated, StepStatus.Pending], workflow.Steps.Select(s => s.Status));
        Assert.Equal("undid a", workflow.Steps[0].Detail);
        Assert.Equal("UNAVAILABLE: c's service is away", workflow.Steps[2].Error);
    }

    [Fact]
    public async Task A_refusal_is_not_retried()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a")),
            new TestStep("b", log, (_, _) => throw ServiceException.InvalidArgument("currency", "already GEM")));

        var workflow = await RunToEndAsync(definition);

        Assert.Equal(WorkflowStatus.Compensated, workflow.Status);
        Assert.Equal(1, workflow.Steps[1].Attempts);
        Assert.Equal(["run a", "run b", "undo b", "undo a"], log);
        Assert.Equal("b: INVALID_ARGUMENT: currency: already GEM", workflow.Error);
    }

    [Fact]
    public async Task A_compensation_that_fails_for_good_fails_the_workflow_naming_both_failures()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a"), _ => throw ServiceException.FailedPrecondition("insufficient funds")),
            new TestStep("b", log, (_, _) => throw ServiceException.InvalidArgument("x", "bad")));

        var workflow = await RunToEndAsync(definition);

        Assert.Equal(WorkflowStatus.Failed, workflow.Status);
        Assert.Equal("b: INVALID_ARGUMENT: x: bad; a: compensation failed: FAILED_PRECONDITION: insufficient funds", workflow.Error);
        Assert.Equal(StepStatus.Compensating, workflow.Steps[0].Status);
        Assert.Equal(StepStatus.Compensated, workflow.Steps[1].Status);
    }

    [Fact]
    public async Task A_workflow_left_running_by_a_dead_process_is_resumed_after_its_lease_and_its_completed_steps_do_not_run_again()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a")),
            new TestStep("b", log, (context, _) => StepOutcome.Done($"b resumed with {context.Data.Fields["progress"].StringValue}")));
        // What a process killed in the middle of b leaves: a done, b running with its data saved, the lease still held.
        var workflow = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        await _store.CreateAsync(workflow, null, oncePerPlayer: false);
        Assert.True(await _store.TryClaimAsync(workflow.Id, "dead-process", TimeSpan.FromSeconds(1)));
        workflow.Steps[0].Status = StepStatus.Completed;
        workflow.Steps[0].Attempts = 1;
        workflow.Steps[1].Status = StepStatus.Running;
        workflow.Steps[1].Attempts = 1;
        Assert.True(await _store.SaveAsync(workflow, "dead-process", "b", new Struct { Fields = { ["progress"] = Value.ForString("half") } }));

        StartRunner(definition);
        var ended = await WaitEndedAsync(workflow.Id);

        Assert.Equal(WorkflowStatus.Completed, ended.Status);
        Assert.Equal(["run b"], log);
        Assert.Equal(2, ended.Steps[1].Attempts);
        Assert.Equal("b resumed with half", ended.Steps[1].Detail);
    }

    [Fact]
    public async Task Two_runners_told_to_run_the_same_workflow_run_each_step_once()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) =>
            {
                Thread.Sleep(200);
                return StepOutcome.Done("a");
            }),
            new TestStep("b", log, (_, _) => StepOutcome.Done("b")));
        var first = StartRunner(definition);
        var second = StartRunner(definition);
        var workflow = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        await _store.CreateAsync(workflow, null, oncePerPlayer: false);

        first.Run(workflow.Id);
        second.Run(workflow.Id);

        Assert.Equal(WorkflowStatus.Completed, (await WaitEndedAsync(workflow.Id)).Status);
        Assert.Equal(["run a", "run b"], log);
    }

    [Fact]
    public async Task A_compensation_that_fails_transiently_is_retried()
    {
        var log = new List<string>();
        var undoAttempts = 0;
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a"), _ => ++undoAttempts < 3 ? throw ServiceException.Unavailable("away") : "undid a at last"),
            new TestStep("b", log, (_, _) => throw ServiceException.InvalidArgument("x", "bad")));

        var workflow = await RunToEndAsync(definition);

        Assert.Equal(WorkflowStatus.Compensated, workflow.Status);
        Assert.Equal(3, undoAttempts);
        Assert.Equal("undid a at last", workflow.Steps[0].Detail);
    }

    [Fact]
    public async Task A_workflow_cancelled_while_its_process_was_dead_is_compensated_when_resumed()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a")),
            new TestStep("b", log, (_, _) => StepOutcome.Done("b")));
        var workflow = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        await _store.CreateAsync(workflow, null, oncePerPlayer: false);
        Assert.True(await _store.TryClaimAsync(workflow.Id, "dead-process", TimeSpan.FromSeconds(1)));
        workflow.Steps[0].Status = StepStatus.Completed;
        Assert.True(await _store.SaveAsync(workflow, "dead-process"));
        Assert.Equal("RUNNING", await _store.RequestCancelAsync(workflow.Id));

        StartRunner(definition);
        var ended = await WaitEndedAsync(workflow.Id);

        Assert.Equal(WorkflowStatus.Cancelled, ended.Status);
        Assert.Equal(["undo a"], log);
        Assert.Equal([StepStatus.Compensated, StepStatus.Pending], ended.Steps.Select(s => s.Status));
    }

    [Fact]
    public async Task A_step_that_outlasts_its_timeout_is_retried_as_a_transient_failure()
    {
        var log = new List<string>();
        var definition = new TestWorkflow(new TestStep("slow", log, (context, attempt) =>
        {
            if (attempt == 1)
            {
                Task.Delay(Timeout.Infinite, context.CancellationToken).GetAwaiter().GetResult();
            }

            return StepOutcome.Done("fast the second time");
        }));
        var runner = new WorkflowRunner(_store, [definition], Microsoft.Extensions.Options.Options.Create(new WorkflowRunnerOptions
        {
            ScanInterval = TimeSpan.FromMilliseconds(100),
            LeaseDuration = TimeSpan.FromSeconds(3),
            StepTimeout = TimeSpan.FromMilliseconds(300),
            MaxAttempts = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        }), TimeProvider.System, NullLogger<WorkflowRunner>.Instance);
        _runners.Add(runner);
        await runner.StartAsync(CancellationToken.None);

        var workflow = await WaitEndedAsync(await StartAsync(definition, runner));

        Assert.Equal(WorkflowStatus.Completed, workflow.Status);
        Assert.Equal(2, workflow.Steps[0].Attempts);
    }

    [Fact]
    public async Task A_runner_leaves_alone_a_workflow_it_does_not_know()
    {
        var log = new List<string>();
        var newer = new TestWorkflow(new TestStep("a", log, (_, _) => StepOutcome.Done("a")));
        var older = new TestWorkflow(new TestStep("a", log, (_, _) => StepOutcome.Done("a")));
        var workflow = Workflows.Create(newer, _player, new Struct(), DateTimeOffset.UtcNow);
        await _store.CreateAsync(workflow, null, oncePerPlayer: false);

        var runner = StartRunner(older);
        runner.Run(workflow.Id);
        await Task.Delay(Options.ScanInterval * 5);

        var record = await _store.LoadAsync(workflow.Id);
        Assert.Equal(WorkflowStatus.Running, record!.Workflow.Status);
        Assert.Equal(StepStatus.Pending, record.Workflow.Steps[0].Status);
        Assert.Empty(log);
        StartRunner(newer);
        Assert.Equal(WorkflowStatus.Completed, (await WaitEndedAsync(workflow.Id)).Status);
    }

    [Fact]
    public async Task A_process_that_lost_the_lease_can_no_longer_write_the_workflow()
    {
        var definition = new TestWorkflow(new TestStep("a", [], (_, _) => StepOutcome.Done("a")));
        var workflow = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        await _store.CreateAsync(workflow, null, oncePerPlayer: false);
        Assert.True(await _store.TryClaimAsync(workflow.Id, "stalled", TimeSpan.FromMilliseconds(200)));
        await Task.Delay(400);
        Assert.True(await _store.TryClaimAsync(workflow.Id, "successor", TimeSpan.FromSeconds(5)));

        workflow.Status = WorkflowStatus.Failed;
        Assert.False(await _store.SaveAsync(workflow, "stalled"));
        Assert.False(await _store.RenewAsync(workflow.Id, "stalled", TimeSpan.FromSeconds(5)));

        Assert.Equal(WorkflowStatus.Running, (await _store.LoadAsync(workflow.Id))!.Workflow.Status);
        Assert.True(await _store.SaveAsync(workflow, "successor"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cancel_stops_the_running_step_and_compensates_ending_cancelled(bool toldDirectly)
    {
        var log = new List<string>();
        var started = new TaskCompletionSource();
        var definition = new TestWorkflow(
            new TestStep("a", log, (_, _) => StepOutcome.Done("a")),
            new TestStep("b", log, (context, _) =>
            {
                started.TrySetResult();
                Task.Delay(Timeout.Infinite, context.CancellationToken).GetAwaiter().GetResult();
                return StepOutcome.Done("never");
            }),
            new TestStep("c", log, (_, _) => StepOutcome.Done("c")));
        var runner = StartRunner(definition);
        var id = await StartAsync(definition, runner);
        await started.Task.WaitAsync(EndsWithin);

        Assert.Equal("RUNNING", await _store.RequestCancelAsync(id));
        if (toldDirectly)
        {
            runner.Cancelled(id);
        }

        // Without being told, the runner sees the stored cancel when it renews its lease, as another replica would.
        var workflow = await WaitEndedAsync(id);
        Assert.Equal(WorkflowStatus.Cancelled, workflow.Status);
        Assert.Equal([StepStatus.Compensated, StepStatus.Compensated, StepStatus.Pending], workflow.Steps.Select(s => s.Status));
        Assert.Equal(["run a", "run b", "undo b", "undo a"], log);
        Assert.Equal("CANCELLED", await _store.RequestCancelAsync(id));
    }

    [Fact]
    public async Task Once_per_player_returns_the_running_or_completed_one_and_frees_the_player_when_it_did_not_complete()
    {
        var definition = new TestWorkflow(new TestStep("a", [], (_, _) => StepOutcome.Done("a"))) { OncePerPlayer = true };
        var first = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        Assert.Equal((first.Id, true), await _store.CreateAsync(first, null, oncePerPlayer: true));

        var second = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        Assert.Equal((first.Id, false), await _store.CreateAsync(second, "key-1", oncePerPlayer: true));
        // The key now names the first one too.
        Assert.Equal((first.Id, false), await _store.CreateAsync(Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow), "key-1", oncePerPlayer: false));

        Assert.True(await _store.TryClaimAsync(first.Id, "me", TimeSpan.FromSeconds(5)));
        first.Status = WorkflowStatus.Compensated;
        Assert.True(await _store.SaveAsync(first, "me"));
        Assert.DoesNotContain(first.Id, await _store.RunningAsync());

        var third = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        Assert.Equal((third.Id, true), await _store.CreateAsync(third, null, oncePerPlayer: true));
        var other = Workflows.Create(definition, _player + "-other", new Struct(), DateTimeOffset.UtcNow);
        Assert.Equal((other.Id, true), await _store.CreateAsync(other, "key-1", oncePerPlayer: true));
    }

    private async Task<Workflow> RunToEndAsync(TestWorkflow definition) =>
        await WaitEndedAsync(await StartAsync(definition, StartRunner(definition)));

    private WorkflowRunner StartRunner(TestWorkflow definition)
    {
        var runner = new WorkflowRunner(_store, [definition], Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<WorkflowRunner>.Instance);
        _runners.Add(runner);
        runner.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return runner;
    }

    private async Task<string> StartAsync(TestWorkflow definition, WorkflowRunner runner)
    {
        var workflow = Workflows.Create(definition, _player, new Struct(), DateTimeOffset.UtcNow);
        var (id, created) = await _store.CreateAsync(workflow, null, definition.OncePerPlayer);
        Assert.True(created);
        runner.Run(id);
        return id;
    }

    private async Task<Workflow> WaitEndedAsync(string id)
    {
        using var timeout = new CancellationTokenSource(EndsWithin);
        while (true)
        {
            var record = await _store.LoadAsync(id);
            if (record!.Workflow.Status != WorkflowStatus.Running)
            {
                return record.Workflow;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    private sealed class TestWorkflow(params IWorkflowStep[] steps) : IWorkflow
    {
        // Runners of other tests scan the same running set: each test's workflows are known to its runners only.
        public string Name { get; } = "test-" + Guid.NewGuid().ToString("N");

        public bool OncePerPlayer { get; init; }

        public IReadOnlyList<IWorkflowStep> Steps => steps;

        public void Validate(Struct input)
        {
        }
    }

    /// <summary>A step that runs <paramref name="run"/> (given its attempt number) and logs each run and undo in order.</summary>
    private sealed class TestStep(string name, List<string> log, Func<StepContext, int, StepOutcome> run, Func<StepContext, string>? undo = null) : IWorkflowStep
    {
        private int _attempts;

        public string Name => name;

        public Task<StepOutcome> RunAsync(StepContext context)
        {
            lock (log)
            {
                log.Add($"run {name}");
            }

            return Task.Run(() => run(context, Interlocked.Increment(ref _attempts)));
        }

        public Task<string> CompensateAsync(StepContext context)
        {
            lock (log)
            {
                log.Add($"undo {name}");
            }

            return Task.FromResult(undo is null ? $"undid {name}" : undo(context));
        }
    }
}

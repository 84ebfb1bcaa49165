namespace GamingSystem.Chaos.Load;

/// <summary>player-onboarding workflows, each for a new player (it runs once per player), followed to their end.</summary>
internal sealed class Workflows(GatewayClient gateway, Acknowledged acknowledged)
{
    public const string Onboarding = "player-onboarding";

    private static readonly string StartRequest = new System.Text.Json.Nodes.JsonObject { ["name"] = Onboarding, ["input"] = new System.Text.Json.Nodes.JsonObject() }.ToJsonString();

    /// <summary>How often the background driver onboards a new player during the load.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Starts onboarding for the player; null when the system never answered (counted as a failure).</summary>
    public async Task<(StartedWorkflow? Started, string Status)> StartAsync(Player player, string cause, CancellationToken cancellationToken)
    {
        // Onboarding runs at most once per player: a repeated start returns the workflow the first one started.
        var at = gateway.Recorder.Time.GetUtcNow();
        var (reply, _) = await gateway.UntilAnsweredAsync(
            "workflow start", HttpMethod.Post, "/api/v1/workflows", StartRequest, player.Token, LoadMix.Patience, cancellationToken);
        if (!reply.Ok)
        {
            acknowledged.Refused.Add($"workflow start for {player.Id}: {reply.Status} {reply.Body.ToJsonString()}");
            return (null, $"{reply.Status}");
        }

        var started = new StartedWorkflow(reply.Text("id"), player, at, cause);
        acknowledged.Workflows.Add(started);
        return (started, reply.Text("status"));
    }

    /// <summary>Onboards a new player every <see cref="Interval"/> until stopped.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var player = await gateway.NewPlayerAsync("chaos-onboard", stop);
                await StartAsync(player, "steady load", stop);
                await Task.Delay(Interval, gateway.Recorder.Time, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (InvalidOperationException)
            {
                // The player could not be signed in within the patience (an outage): the failed calls are recorded.
            }
        }
    }

    /// <summary>The workflow once it left RUNNING, or its last reading when <paramref name="patience"/> ran out.</summary>
    public async Task<Reply> WaitEndedAsync(StartedWorkflow workflow, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = gateway.Recorder.Time.GetUtcNow() + patience;
        while (true)
        {
            var reply = await gateway.SendAsync("workflow get", HttpMethod.Get, $"/api/v1/workflows/{workflow.Id}", token: workflow.Player.Token, cancellationToken: cancellationToken);
            if ((reply.Ok && reply.Body["status"]?.GetValue<string>() != "RUNNING") || gateway.Recorder.Time.GetUtcNow() >= deadline)
            {
                return reply;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), gateway.Recorder.Time, cancellationToken);
        }
    }
}

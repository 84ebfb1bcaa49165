using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.AiIntegration.Tests;
using GamingSystem.Contracts;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// ai-router on the booted system: it reads model-management's catalogue, calls ai-integration, skips models over the
/// request's budgets, and falls back past a failing model whose circuit then opens, and closes again after its break
/// (the fixture sets two failures and two seconds). The failing model is the fake OpenAI-compatible endpoint's.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AiRouterTests(SystemFixture system) : IAsyncLifetime
{
    private const string Small = "local-markov-small";
    private const string Large = "local-markov-large";

    private readonly string _id = "it-router-" + Guid.NewGuid().ToString("N")[..12];
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Route_answers_with_the_task_types_default_model_and_the_same_text_ai_integration_gives_it()
    {
        var routed = await RouteAsync(new RouteRequest { TaskType = TaskType.Narrative, SystemPrompt = "You are the chronicler of Varrow.", Prompt = "Tell of Saltmoor.", MaxTokens = 20, Seed = 11 });
        var direct = await _bus.Services.RequestAsync<GenerateResponse>(ContractRegistry.AiIntegration.FindMethodByName("Generate"), new GenerateRequest
        {
            Model = Small,
            MaxTokens = 20,
            Seed = 11,
            Messages = { new ChatMessage { Role = Role.System, Content = "You are the chronicler of Varrow." }, new ChatMessage { Role = Role.User, Content = "Tell of Saltmoor." } },
        });

        Assert.Equal((Small, "local", false), (routed.ModelId, routed.Provider, routed.FellBack));
        Assert.Equal(direct.Text, routed.Text);
        Assert.Equal(direct.Usage, routed.Usage);
        Assert.Equal((Small, "ok"), (routed.Attempts.Single().ModelId, routed.Attempts.Single().Outcome));
        Assert.True(routed.LatencyMs >= routed.Attempts.Single().LatencyMs);
    }

    [Fact]
    public async Task Models_over_the_latency_budget_or_the_cost_cap_are_skipped_and_when_none_is_left_it_is_failed_precondition_saying_why()
    {
        await RegisterAsync(new Model { Id = _id, Provider = "local", Capabilities = { TaskType.StoryBeat }, ContextWindowTokens = 4096, CostPer1KTokensMicros = 500, TypicalLatencyMs = 1 });
        try
        {
            var withinBudget = await RouteAsync(new RouteRequest { TaskType = TaskType.StoryBeat, Prompt = "A beat.", LatencyBudgetMs = 30, MaxCostPer1KTokensMicros = 100, Seed = 1 });
            var error = await Assert.ThrowsAsync<ServiceException>(() => RouteAsync(new RouteRequest { TaskType = TaskType.StoryBeat, Prompt = "A beat.", LatencyBudgetMs = 10, MaxCostPer1KTokensMicros = 100 }));

            Assert.Equal((Small, false), (withinBudget.ModelId, withinBudget.FellBack));
            Assert.Equal([(Small, "ok")], withinBudget.Attempts.Select(a => (a.ModelId, a.Outcome)));
            Assert.Equal(ErrorCode.FailedPrecondition, error.Code);
            Assert.Equal("too_slow", error.Error.Details[Small]);
            Assert.Equal("too_slow", error.Error.Details[Large]);
            Assert.Equal("too_expensive", error.Error.Details[_id]);
            Assert.Contains($"{_id}: too_expensive", error.Message, StringComparison.Ordinal);
            Assert.Contains($"{Large}: too_slow", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await RetireAsync(_id);
        }
    }

    [Fact]
    public async Task When_every_model_within_the_budget_fails_it_is_unavailable_listing_each_candidate()
    {
        // An openai model the endpoint does not serve: ai-integration answers NOT_FOUND, a failure of this model only.
        await RegisterAsync(new Model { Id = _id, Provider = "openai", Capabilities = { TaskType.StoryBeat }, ContextWindowTokens = 4096, CostPer1KTokensMicros = 10, TypicalLatencyMs = 5 });
        try
        {
            var error = await Assert.ThrowsAsync<ServiceException>(() => RouteAsync(new RouteRequest { TaskType = TaskType.StoryBeat, Prompt = "A beat.", LatencyBudgetMs = 10 }));

            Assert.Equal(ErrorCode.Unavailable, error.Code);
            Assert.Equal(ErrorCodes.ToName(ErrorCode.NotFound), error.Error.Details[_id]);
            Assert.Equal("too_slow", error.Error.Details[Small]);
            var stats = (await StatsAsync()).Models.Single(m => m.ModelId == _id);
            Assert.Equal((1L, 1L, "closed"), (stats.Calls, stats.Failures, stats.Circuit));
            Assert.StartsWith("NOT_FOUND", stats.LastError, StringComparison.Ordinal);
        }
        finally
        {
            await RetireAsync(_id);
        }
    }

    [Fact]
    public async Task A_failing_preferred_model_falls_back_opens_its_circuit_and_gets_the_traffic_back_after_the_break()
    {
        var preferred = await EnsureActiveAsync(new Model { Id = FakeOpenAiServer.Model, Provider = "openai", Capabilities = { TaskType.Answer }, ContextWindowTokens = 8192, CostPer1KTokensMicros = 100, TypicalLatencyMs = 50 });
        await SetDefaultAsync(TaskType.Answer, preferred.Id);
        try
        {
            var healthy = await RouteAsync(Answer());
            // The endpoint refuses the key (401): final at once, no retries, so each failure costs milliseconds.
            system.Llm.FailingWith = 401;
            var failed = new List<RouteResponse>();
            for (var i = 0; i < SystemFixture.AiRouterFailuresToOpen; i++)
            {
                failed.Add(await RouteAsync(Answer()));
            }

            var requestsWhenOpened = system.Llm.Requests.Count;
            var whileOpen = await RouteAsync(Answer());
            var requestsAfterwards = system.Llm.Requests.Count;
            var openStats = (await StatsAsync()).Models.Single(m => m.ModelId == preferred.Id);
            system.Llm.FailingWith = null;
            var opened = Stopwatch.StartNew();
            var recovered = await WaitForAsync(() => RouteAsync(Answer()), r => r.ModelId == preferred.Id, TimeSpan.FromSeconds(15));
            var closedStats = (await StatsAsync()).Models.Single(m => m.ModelId == preferred.Id);

            Assert.Equal((preferred.Id, "openai", false), (healthy.ModelId, healthy.Provider, healthy.FellBack));
            Assert.Equal("The lanterns burn on the river.", healthy.Text);
            Assert.All(failed, r =>
            {
                Assert.Equal((Small, true), (r.ModelId, r.FellBack));
                Assert.Equal([(preferred.Id, "FAILED_PRECONDITION"), (Small, "ok")], r.Attempts.Select(a => (a.ModelId, a.Outcome)));
            });
            Assert.Equal((Small, true, "circuit_open"), (whileOpen.ModelId, whileOpen.FellBack, whileOpen.Attempts[0].Outcome));
            Assert.Equal(requestsWhenOpened, requestsAfterwards);
            Assert.Equal("open", openStats.Circuit);
            Assert.True(openStats.Failures >= SystemFixture.AiRouterFailuresToOpen);
            Assert.Equal(SystemFixture.AiRouterFailuresToOpen, openStats.ConsecutiveFailures);
            Assert.StartsWith("FAILED_PRECONDITION", openStats.LastError, StringComparison.Ordinal);
            Assert.NotNull(openStats.LastFailureAt);
            Assert.Equal((preferred.Id, false, "The lanterns burn on the river."), (recovered.ModelId, recovered.FellBack, recovered.Text));
            Assert.True(opened.Elapsed >= SystemFixture.AiRouterBreakDuration * 0.5, $"the circuit closed after {opened.Elapsed}");
            Assert.Equal(("closed", 0), (closedStats.Circuit, closedStats.ConsecutiveFailures));
            Assert.Equal(openStats.Calls + 1, closedStats.Calls);
        }
        finally
        {
            system.Llm.FailingWith = null;
            await SetDefaultAsync(TaskType.Answer, Small);
        }
    }

    public static TheoryData<string, RouteRequest, string> BadRequests => new()
    {
        { "no task type", new RouteRequest { Prompt = "Hello" }, "taskType" },
        { "blank prompt", new RouteRequest { TaskType = TaskType.General, Prompt = "  " }, "prompt" },
        { "huge prompt", new RouteRequest { TaskType = TaskType.General, Prompt = new string('a', 40_000) }, "prompt" },
        { "negative budget", new RouteRequest { TaskType = TaskType.General, Prompt = "Hello", LatencyBudgetMs = -1 }, "latencyBudgetMs" },
        { "negative cost cap", new RouteRequest { TaskType = TaskType.General, Prompt = "Hello", MaxCostPer1KTokensMicros = -1 }, "maxCostPer1kTokensMicros" },
        { "too many tokens", new RouteRequest { TaskType = TaskType.General, Prompt = "Hello", MaxTokens = 5000 }, "maxTokens" },
        { "too hot", new RouteRequest { TaskType = TaskType.General, Prompt = "Hello", Temperature = 2.5 }, "temperature" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_invalid_argument_naming_the_field(string because, RouteRequest request, string field)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => RouteAsync(request));

        Assert.True((ErrorCode.InvalidArgument, field) == (error.Code, error.Error.Field), $"{because}: {error.Code} {error.Error.Field}");
    }

    [Fact]
    public async Task Through_the_gateway_a_player_routes_with_a_bearer_token_and_anyone_reads_the_routing_stats()
    {
        var api = new StateApi(system.Gateway);
        var token = (await api.NewPlayerAsync()).Token;
        const string Body = """{"taskType":"TASK_TYPE_NARRATIVE","prompt":"What do the fishers say?","maxTokens":15,"seed":"4"}""";

        var (status, reply) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/route", Body, token: token);
        var (anonymous, _) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/route", Body);
        var (bad, problem) = await api.SendAsync(HttpMethod.Post, "/api/v1/ai/route", """{"taskType":"TASK_TYPE_NARRATIVE","prompt":""}""", token: token);
        var (statsStatus, stats) = await api.SendAsync(HttpMethod.Get, "/api/v1/ai/routing-stats");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Small, reply["modelId"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(reply["text"]!.GetValue<string>()));
        Assert.Equal("ok", reply["attempts"]![0]!["outcome"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal((HttpStatusCode.BadRequest, "prompt"), (bad, problem["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, statsStatus);
        var small = stats["models"]!.AsArray().Single(m => m!["modelId"]!.GetValue<string>() == Small)!;
        Assert.True(long.Parse(small["calls"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("closed", small["circuit"]!.GetValue<string>());
    }

    private static RouteRequest Answer() => new() { TaskType = TaskType.Answer, Prompt = "Who keeps the towers of the Greywatch?", MaxTokens = 20, Seed = 3 };

    private Task<RouteResponse> RouteAsync(RouteRequest request) =>
        _bus.Services.RequestAsync<RouteResponse>(ContractRegistry.AiRouter.FindMethodByName("Route"), request);

    private Task<RoutingStats> StatsAsync() =>
        _bus.Services.RequestAsync<RoutingStats>(ContractRegistry.AiRouter.FindMethodByName("GetRoutingStats"), new GetRoutingStatsRequest());

    private Task<T> ModelsAsync<T>(string method, IMessage request)
        where T : IMessage<T> =>
        _bus.Services.RequestAsync<T>(ContractRegistry.ModelManagement.FindMethodByName(method), request);

    private Task<Model> RegisterAsync(Model model) => ModelsAsync<Model>("RegisterModel", new RegisterModelRequest { Model = model });

    private Task<Model> RetireAsync(string id) => ModelsAsync<Model>("SetStatus", new SetStatusRequest { Id = id, Status = ModelStatus.Retired });

    private Task<TaskDefault> SetDefaultAsync(TaskType task, string id) => ModelsAsync<TaskDefault>("SetDefault", new SetDefaultRequest { TaskType = task, ModelId = id });

    /// <summary>The fake endpoint serves one model id, so its catalogue entry is registered once per system and reused.</summary>
    private async Task<Model> EnsureActiveAsync(Model model)
    {
        try
        {
            return await RegisterAsync(model);
        }
        catch (ServiceException e) when (e.Code == ErrorCode.AlreadyExists)
        {
            return await ModelsAsync<Model>("SetStatus", new SetStatusRequest { Id = model.Id, Status = ModelStatus.Active });
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var result = await attempt();
            if (done(result))
            {
                return result;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"not done within {timeout}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}

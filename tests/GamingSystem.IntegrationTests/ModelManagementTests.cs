using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;

namespace GamingSystem.IntegrationTests;

/// <summary>The model catalogue: seeded local models, registration, status changes and defaults per task type.</summary>
[Collection(SystemCollection.Name)]
public sealed class ModelManagementTests(SystemFixture system)
{
    private readonly string _id = "it-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task The_built_in_local_models_are_seeded_active_and_are_the_defaults_and_anyone_can_list_them_over_http()
    {
        await using var bus = await BusClient.StartAsync(system);

        var local = await CallAsync<ListModelsResponse>(bus, "ListModels", new ListModelsRequest { Status = ModelStatus.Active, Capability = TaskType.QuestText });
        var defaults = await CallAsync<ListDefaultsResponse>(bus, "ListDefaults", new ListDefaultsRequest());
        using var http = await system.Gateway.GetAsync("/api/v1/models/local-markov-small");

        Assert.Contains(local.Models, m => m.Id == "local-markov-small" && m.BuiltIn && m.Provider == "local");
        Assert.Contains(local.Models, m => m.Id == "local-markov-large");
        Assert.Equal(Enum.GetValues<TaskType>().Length - 1, defaults.Defaults.Count);
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Contains("\"contextWindowTokens\": 2048", await http.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_is_registered_once_made_a_default_deprecated_and_retired_for_good()
    {
        await using var bus = await BusClient.StartAsync(system);
        var model = new Model { Id = _id, Provider = "openai", Capabilities = { TaskType.NpcDialogue, TaskType.General }, ContextWindowTokens = 128_000, CostPer1KTokensMicros = 150, TypicalLatencyMs = 400 };

        var registered = await CallAsync<Model>(bus, "RegisterModel", new RegisterModelRequest { Model = model });
        var again = await Assert.ThrowsAsync<ServiceException>(() => CallAsync<Model>(bus, "RegisterModel", new RegisterModelRequest { Model = model }));
        var notCapable = await Assert.ThrowsAsync<ServiceException>(() => CallAsync<TaskDefault>(bus, "SetDefault", new SetDefaultRequest { TaskType = TaskType.Translation, ModelId = _id }));
        await CallAsync<TaskDefault>(bus, "SetDefault", new SetDefaultRequest { TaskType = TaskType.NpcDialogue, ModelId = _id });
        var defaultRetire = await Assert.ThrowsAsync<ServiceException>(() => CallAsync<Model>(bus, "SetStatus", new SetStatusRequest { Id = _id, Status = ModelStatus.Retired }));
        var deprecated = await CallAsync<Model>(bus, "SetStatus", new SetStatusRequest { Id = _id, Status = ModelStatus.Deprecated });
        var deprecatedDefault = await Assert.ThrowsAsync<ServiceException>(() => CallAsync<TaskDefault>(bus, "SetDefault", new SetDefaultRequest { TaskType = TaskType.General, ModelId = _id }));
        await CallAsync<TaskDefault>(bus, "SetDefault", new SetDefaultRequest { TaskType = TaskType.NpcDialogue, ModelId = "local-markov-small" });
        var retired = await CallAsync<Model>(bus, "SetStatus", new SetStatusRequest { Id = _id, Status = ModelStatus.Retired });
        var revived = await Assert.ThrowsAsync<ServiceException>(() => CallAsync<Model>(bus, "SetStatus", new SetStatusRequest { Id = _id, Status = ModelStatus.Active }));

        Assert.Equal((ModelStatus.Active, 1L, false), (registered.Status, registered.Version, registered.BuiltIn));
        Assert.Equal(ErrorCode.AlreadyExists, again.Code);
        Assert.Equal(ErrorCode.FailedPrecondition, notCapable.Code);
        Assert.Equal(ErrorCode.FailedPrecondition, defaultRetire.Code);
        Assert.Contains("default", defaultRetire.Message, StringComparison.Ordinal);
        Assert.Equal((ModelStatus.Deprecated, 2L), (deprecated.Status, deprecated.Version));
        Assert.Equal(ErrorCode.FailedPrecondition, deprecatedDefault.Code);
        Assert.Equal(ModelStatus.Retired, retired.Status);
        Assert.Equal(ErrorCode.FailedPrecondition, revived.Code);
        Assert.Equal(ModelStatus.Retired, (await CallAsync<Model>(bus, "GetModel", new GetModelRequest { Id = _id })).Status);
        var changes = await ChangesAsync(bus);
        Assert.Equal(
            [ModelChange.Registered, ModelChange.DefaultChanged, ModelChange.StatusChanged, ModelChange.StatusChanged],
            changes.Where(c => c.Model.Id == _id).Select(c => c.Change));
    }

    [Theory]
    [InlineData("x", "openai", "model.id")]
    [InlineData("Has Spaces", "openai", "model.id")]
    [InlineData("fine-id", "", "model.provider")]
    [InlineData("fine-id", "Open AI", "model.provider")]
    public async Task A_model_the_catalogue_cannot_hold_is_invalid_argument_naming_the_field(string id, string provider, string field)
    {
        await using var bus = await BusClient.StartAsync(system);

        var error = await Assert.ThrowsAsync<ServiceException>(() => CallAsync<Model>(bus, "RegisterModel", new RegisterModelRequest
        {
            Model = new Model { Id = id, Provider = provider, Capabilities = { TaskType.General }, ContextWindowTokens = 1000 },
        }));

        Assert.Equal((ErrorCode.InvalidArgument, field), (error.Code, error.Error.Field));
    }

    [Fact]
    public async Task Changing_the_catalogue_over_http_is_for_administrators_only()
    {
        using var response = await system.Gateway.PostAsync("/api/v1/models", new StringContent("""{"id":"sneaky","provider":"x","capabilities":["TASK_TYPE_GENERAL"],"contextWindowTokens":1}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static Task<T> CallAsync<T>(BusClient bus, string method, IMessage request)
        where T : IMessage<T> =>
        bus.Services.RequestAsync<T>(ContractRegistry.ModelManagement.FindMethodByName(method), request);

    private static async Task<IReadOnlyList<ModelChanged>> ChangesAsync(BusClient bus)
    {
        var replay = await bus.Services.RequestAsync<ReplayResponse>(
            ContractRegistry.EventBus.FindMethodByName("Replay"), new ReplayRequest { SubjectFilter = "evt.model.changed", Limit = 1000 });
        return [.. replay.Events.Select(e => ModelChanged.Parser.ParseFrom(e.Payload))];
    }
}

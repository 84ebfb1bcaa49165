using System.Diagnostics;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The manifest a deployment is driven from: `dotnet run --project GamingSystem.AppHost -- --publisher manifest
/// --output-path aspire-manifest.json`, run here on the built AppHost.
/// </summary>
public sealed class ManifestTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manifest-test-").FullName;
    private JsonObject _resources = [];
    private string _text = string.Empty;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_folder, "aspire-manifest.json");
        using var publish = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AppHostProcess.AppHostDll(), "--publisher", "manifest", "--output-path", path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0 && File.Exists(path), $"publish failed ({publish.ExitCode}):\n{await output}\n{await errors}");

        _text = await File.ReadAllTextAsync(path);
        _resources = JsonNode.Parse(_text)!["resources"]!.AsObject();
    }

    [Fact]
    public void Nats_and_redis_are_deployable_containers_of_pinned_images_with_their_data_volumes()
    {
        foreach (var (name, image, port) in new[] { (ResourceNames.Nats, "nats:", 4222), (ResourceNames.Redis, "redis:", 6379) })
        {
            var resource = _resources[name]!;
            Assert.Equal("container.v0", resource["type"]!.GetValue<string>());
            var reference = resource["image"]!.GetValue<string>();
            Assert.Contains(image, reference);
            Assert.Matches(@":\d+\.\d+\.\d+$", reference);
            Assert.Equal(port, resource["bindings"]!["tcp"]!["targetPort"]!.GetValue<int>());
            Assert.Single(resource["volumes"]!.AsArray());
            Assert.StartsWith("{", resource["connectionString"]!.GetValue<string>().Split('@')[^1]);
        }

        Assert.Contains("--jetstream", _resources[ResourceNames.Nats]!["args"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public void Every_service_is_a_project_whose_references_are_expressions()
    {
        string[] projects = [ResourceNames.Auth, ResourceNames.EventBus, ResourceNames.ModelManagement, ResourceNames.Settings, ResourceNames.AiIntegration, ResourceNames.AiRouter, ResourceNames.StateManager, ResourceNames.CapabilityRegistry, ResourceNames.Router, ResourceNames.Payment, ResourceNames.Orchestration, ResourceNames.QuestSystem, ResourceNames.BodyBrokerIntegration, ResourceNames.NpcBehavior, ResourceNames.StoryTeller, ResourceNames.KnowledgeBase, ResourceNames.PerformanceMode, ResourceNames.LanguageSystem, ResourceNames.WorldState, ResourceNames.TimeManager, ResourceNames.WeatherManager, ResourceNames.EnvironmentalNarrative, ResourceNames.Gateway];
        Assert.Equal(projects.Order(), _resources.Where(r => r.Value!["type"]!.GetValue<string>() == "project.v0").Select(r => r.Key).Order());

        foreach (var project in projects)
        {
            var env = _resources[project]!["env"]!;
            Assert.Equal("{nats.connectionString}", env["ConnectionStrings__nats"]!.GetValue<string>());
            var path = _resources[project]!["path"]!.GetValue<string>();
            Assert.False(Path.IsPathRooted(path));
            Assert.True(File.Exists(Path.Combine(_folder, path)), $"{path} does not lead from the manifest to the project");
        }

        Assert.Equal("{redis.connectionString}", _resources[ResourceNames.StateManager]!["env"]!["ConnectionStrings__redis"]!.GetValue<string>());
        Assert.Equal("{redis.connectionString}", _resources[ResourceNames.Auth]!["env"]!["ConnectionStrings__redis"]!.GetValue<string>());
        Assert.Null(_resources[ResourceNames.EventBus]!["env"]!["ConnectionStrings__redis"]);
        Assert.Null(_resources[ResourceNames.AiRouter]!["env"]!["ConnectionStrings__redis"]);
        Assert.Equal("{auth.bindings.http.url}", _resources[ResourceNames.Gateway]!["env"]!["services__auth__http__0"]!.GetValue<string>());
        Assert.Equal("{state-manager.bindings.http.url}", _resources[ResourceNames.Gateway]!["env"]!["services__state-manager__http__0"]!.GetValue<string>());
        Assert.True(_resources[ResourceNames.Gateway]!["bindings"]!["http"]!["external"]!.GetValue<bool>());
        // No ConnectionStrings:llm given to the AppHost: no llm resource, nothing asked for, the local provider only.
        Assert.Null(_resources[ResourceNames.Llm]);
        Assert.Null(_resources[ResourceNames.AiIntegration]!["env"]!["ConnectionStrings__llm"]);
    }

    [Fact]
    public void Secrets_are_generated_parameters_and_no_value_or_local_path_is_written()
    {
        foreach (var secret in new[] { "nats-password", "redis-password" })
        {
            var input = _resources[secret]!["inputs"]!["value"]!;
            Assert.True(input["secret"]!.GetValue<bool>());
            Assert.NotNull(input["default"]!["generate"]);
        }

        Assert.Contains("{nats-password.value}", _resources[ResourceNames.Nats]!["connectionString"]!.GetValue<string>());
        Assert.Contains("password={redis-password.value}", _resources[ResourceNames.Redis]!["connectionString"]!.GetValue<string>());
        // The only absolute paths are those inside the containers.
        Assert.All(Strings(JsonNode.Parse(_text)!).Where(Path.IsPathRooted), path => Assert.Equal("/data", path));
    }

    private static IEnumerable<string> Strings(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value!)),
        JsonArray a => a.SelectMany(e => Strings(e!)),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

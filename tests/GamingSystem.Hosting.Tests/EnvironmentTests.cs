using GamingSystem.Hosting.ApplicationModel;
using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Orchestration;
using GamingSystem.Hosting.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace GamingSystem.Hosting.Tests;

public sealed class EnvironmentTests
{
    [Fact]
    public async Task A_project_gets_Aspire_named_variables_for_each_reference()
    {
        var builder = TestApps.CreateBuilder();
        var nats = builder.AddNats("nats").WithJetStream();
        var redis = builder.AddRedis("redis");
        var stateManager = builder.AddProject<SomeProject>("state-manager").WithReplicas(2);
        var gateway = builder.AddProject<SomeProject>("gateway")
            .WithHttpEndpoint(port: 8000)
            .WithReference(nats).WaitFor(nats)
            .WithReference(redis)
            .WithReference(stateManager).WaitFor(stateManager)
            .WithEnvironment("GREETING", "hello");

        var (environment, run) = await ResolveAsync(builder, gateway.Resource, new DistributedApplicationOptions { RandomizePorts = true });
        try
        {
            var natsTcp = run.GetAllocatedEndpoint(nats.Resource.PrimaryEndpoint);
            var redisTcp = run.GetAllocatedEndpoint(redis.Resource.PrimaryEndpoint);
            var natsUser = run.GetParameterValue(nats.Resource.UserNameParameter);
            var natsPassword = run.GetParameterValue(nats.Resource.PasswordParameter);
            var redisPassword = run.GetParameterValue(redis.Resource.PasswordParameter);
            var gatewayHttp = run.GetAllocatedEndpoint(gateway.Resource.GetEndpoint("http"));

            Assert.Equal("127.0.0.1", natsTcp.Host);
            Assert.Equal($"nats://{natsUser}:{natsPassword}@127.0.0.1:{natsTcp.Port}", environment["ConnectionStrings__nats"]);
            Assert.Equal("127.0.0.1", environment["NATS_HOST"]);
            Assert.Equal($"{natsTcp.Port}", environment["NATS_PORT"]);
            Assert.Equal(environment["ConnectionStrings__nats"], environment["NATS_URI"]);
            Assert.Equal($"127.0.0.1:{redisTcp.Port},password={redisPassword}", environment["ConnectionStrings__redis"]);
            Assert.Equal($"{redisTcp.Port}", environment["REDIS_PORT"]);
            Assert.Equal($"redis://:{redisPassword}@127.0.0.1:{redisTcp.Port}", environment["REDIS_URI"]);
            Assert.Equal(run.GetAllocatedEndpoint(stateManager.Resource.GetEndpoint("http", 0)).Url, environment["services__state-manager__http__0"]);
            Assert.Equal(run.GetAllocatedEndpoint(stateManager.Resource.GetEndpoint("http", 1)).Url, environment["services__state-manager__http__1"]);
            Assert.StartsWith("http://localhost:", environment["services__state-manager__http__0"], StringComparison.Ordinal);
            Assert.Equal(gatewayHttp.Url, environment["ASPNETCORE_URLS"]);
            Assert.NotEqual(8000, gatewayHttp.Port);
            Assert.Equal("gateway", environment["OTEL_SERVICE_NAME"]);
            Assert.Equal($"service.instance.id=gateway-{run.RunId}", environment["OTEL_RESOURCE_ATTRIBUTES"]);
            Assert.Equal("Development", environment["DOTNET_ENVIRONMENT"]);
            Assert.Equal("Development", environment["ASPNETCORE_ENVIRONMENT"]);
            Assert.Equal($"{Environment.ProcessId}", environment["GAMINGSYSTEM_APPHOST_PID"]);
            Assert.Equal("hello", environment["GREETING"]);
            Assert.DoesNotContain(environment.Keys, k => k.StartsWith("OTEL_EXPORTER", StringComparison.Ordinal));
            Assert.Equal(32, redisPassword.Length);
        }
        finally
        {
            run.DeleteRunDirectory();
        }
    }

    [Fact]
    public async Task Otlp_variables_appear_only_when_an_endpoint_is_configured()
    {
        var builder = TestApps.CreateBuilder();
        var project = builder.AddProject<SomeProject>("svc");
        var options = new DistributedApplicationOptions { RandomizePorts = true, OtlpEndpoint = "http://localhost:4318" };

        var (environment, run) = await ResolveAsync(builder, project.Resource, options);
        run.DeleteRunDirectory();

        Assert.Equal("http://localhost:4318", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("1000", environment["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_BLRP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_METRIC_EXPORT_INTERVAL"]);
    }

    [Fact]
    public void The_model_holds_expressions_that_render_as_manifest_references()
    {
        var builder = TestApps.CreateBuilder();
        var nats = builder.AddNats("nats");
        var redis = builder.AddRedis("redis");

        Assert.Equal(
            "nats://{nats-user.value}:{nats-password.value}@{nats.bindings.tcp.host}:{nats.bindings.tcp.port}",
            nats.Resource.ConnectionStringExpression.ValueExpression);
        Assert.Equal(
            "{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}",
            redis.Resource.ConnectionStringExpression.ValueExpression);
        Assert.Equal("{nats.connectionString}", new ConnectionStringReference(nats.Resource).ValueExpression);
        Assert.True(nats.Resource.ConnectionStringExpression.IsSecret);
    }

    [Fact]
    public async Task Fixed_ports_are_kept_unless_ports_are_randomised()
    {
        var builder = TestApps.CreateBuilder();
        var fixedPort = new Orchestration.PortAllocator().AllocateFreePort();
        var project = builder.AddProject<SomeProject>("svc").WithHttpEndpoint(port: fixedPort);

        var (environment, run) = await ResolveAsync(builder, project.Resource, new DistributedApplicationOptions());
        run.DeleteRunDirectory();

        Assert.Equal($"http://localhost:{fixedPort}", environment["ASPNETCORE_URLS"]);
    }

    [Fact]
    public void Secrets_are_masked_in_snapshots()
    {
        var masked = ResourceInstance.Mask([new EnvironmentValue("ConnectionStrings__redis", "h:1,password=x", IsSecret: true), new EnvironmentValue("A", "b", false)]);

        Assert.Equal([EnvironmentVariableSnapshot.Mask, "b"], masked.Select(v => v.Value));
    }

    private static async Task<(IReadOnlyDictionary<string, string> Environment, RunContext Run)> ResolveAsync(
        IDistributedApplicationBuilder builder, IResource resource, DistributedApplicationOptions options)
    {
        var configuration = new ConfigurationBuilder().Build();
        var run = RunContext.Create("test1234", builder.Resources, options, configuration);
        var logs = new ResourceLogBuffer(10, TimeProvider.System);
        var instance = new ResourceInstance(resource, 0, run.RunId, logs, new ResourceNotificationService());
        var environment = await ProjectEnvironment.BuildAsync(instance, run, options, CancellationToken.None);
        return (environment.ToDictionary(e => e.Name, e => e.Value), run);
    }

    private sealed class SomeProject : IProjectMetadata
    {
        public string ProjectPath => "/nowhere/SomeProject.csproj";
    }
}

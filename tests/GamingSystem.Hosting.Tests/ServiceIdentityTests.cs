using System.Diagnostics;
using Aspire.Hosting.Security;
using GamingSystem.Contracts;

namespace GamingSystem.Hosting.Tests;

/// <summary>Permissions follow from the app model and the contracts; the generated nats.conf is one nats-server accepts.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceIdentityTests : IDisposable
{
    private readonly RunFiles _files = new(new ServerFilesTests.StoppableLifetime());

    [Fact]
    public void A_service_serves_its_own_subjects_in_its_queue_group_and_publishes_only_its_own_events()
    {
        var permissions = BusPermissions.For(ResourceNames.Settings, [ResourceNames.Nats, ResourceNames.Redis], publiclyExposed: false, ownsEventStreams: false);

        Assert.Equal(
            ["_INBOX.>", "evt.settings.changed", "svc.capability_registry.v1.deregister", "svc.capability_registry.v1.heartbeat", "svc.capability_registry.v1.register"],
            permissions.Publish);
        Assert.Equal(["$SRV.>", "_INBOX.settings.>", "svc.settings.v1.> svc-settings-workers"], permissions.Subscribe);
    }

    [Fact]
    public void A_reference_to_a_service_becomes_permission_to_call_all_its_methods()
    {
        var permissions = BusPermissions.For("quest-system", [ResourceNames.Nats, "payment"], publiclyExposed: false, ownsEventStreams: false);

        Assert.Contains("svc.payment.v1.>", permissions.Publish);
        Assert.DoesNotContain(permissions.Publish, subject => subject.StartsWith("svc.auth.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_publicly_exposed_process_may_call_only_http_routed_methods()
    {
        var permissions = BusPermissions.For(ResourceNames.Gateway, ["payment", ResourceNames.EventBus], publiclyExposed: true, ownsEventStreams: false);

        Assert.Contains("svc.payment.v1.transfer", permissions.Publish);
        Assert.DoesNotContain("svc.payment.v1.credit", permissions.Publish);
        // Of event-bus only the live feed is routed; publishing, replay and redrive stay internal.
        Assert.Equal(["svc.event_bus.v1.watch"], permissions.Publish.Where(subject => subject.StartsWith("svc.event_bus.", StringComparison.Ordinal)));
        Assert.DoesNotContain(permissions.Publish, subject => subject.EndsWith('>') && subject != "_INBOX.>");
        Assert.Equal(["_INBOX.gateway.>"], permissions.Subscribe);
    }

    [Fact]
    public void A_service_that_consumes_an_event_may_run_its_own_durable_consumer_of_it_only()
    {
        var permissions = BusPermissions.For("weather-manager", [ResourceNames.Nats], publiclyExposed: false, ownsEventStreams: false);

        Assert.Contains("$JS.API.CONSUMER.CREATE.WORLD.weather-manager_TimeTick.>", permissions.Publish);
        Assert.Contains("$JS.API.CONSUMER.MSG.NEXT.WORLD.weather-manager_TimeTick", permissions.Publish);
        Assert.Contains("$JS.ACK.WORLD.weather-manager_TimeTick.>", permissions.Publish);
        Assert.Contains("dlq.evt.time.tick", permissions.Publish);
        Assert.DoesNotContain(permissions.Publish, subject => subject.Contains('*', StringComparison.Ordinal) || subject.StartsWith("$JS.API.STREAM", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_stream_owner_runs_jetstreams_api()
    {
        var owner = BusPermissions.For(ResourceNames.EventBus, [ResourceNames.Nats], publiclyExposed: false, ownsEventStreams: true);
        var other = BusPermissions.For(ResourceNames.Auth, [ResourceNames.Nats], publiclyExposed: false, ownsEventStreams: false);

        Assert.Contains("$JS.API.>", owner.Publish);
        Assert.Contains("dlq.>", owner.Publish);
        Assert.DoesNotContain(other.Publish, subject => subject.StartsWith("$JS", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_a_stats_reader_may_request_the_services_stats_and_nothing_else_of_discovery()
    {
        var reader = BusPermissions.For(ResourceNames.PerformanceMode, [ResourceNames.Nats, ResourceNames.Redis], publiclyExposed: false, ownsEventStreams: false, readsServiceStats: true);
        var other = BusPermissions.For(ResourceNames.Settings, [ResourceNames.Nats], publiclyExposed: false, ownsEventStreams: false);

        Assert.Equal(["$SRV.STATS"], reader.Publish.Where(subject => subject.StartsWith("$SRV", StringComparison.Ordinal)));
        Assert.DoesNotContain(other.Publish, subject => subject.StartsWith("$SRV", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_model_gives_each_project_its_own_users_and_nats_server_accepts_the_configuration()
    {
        var builder = DistributedApplication.CreateBuilder();
        string Project(string name)
        {
            var path = Path.Combine(_files.DirectoryFor("projects"), name + ".csproj");
            File.WriteAllText(path, "<Project />");
            return path;
        }

        var nats = builder.AddNats(ResourceNames.Nats).WithJetStream();
        var redis = builder.AddRedis(ResourceNames.Redis);
        var settings = builder.AddProject(ResourceNames.Settings, Project("Settings")).WithHttpEndpoint()
            .WithReference(nats).WithReference(redis);
        builder.AddProject(ResourceNames.EventBus, Project("EventBus")).WithHttpEndpoint().WithEventStreams().WithReference(nats);
        builder.AddProject(ResourceNames.Gateway, Project("Gateway")).WithHttpEndpoint().WithExternalHttpEndpoints()
            .WithReference(nats).WithReference(settings);
        using var app = builder.Build();

        ServiceIdentities.Assign(app.Services.GetRequiredService<DistributedApplicationModel>(), _files);

        Assert.Equal([ResourceNames.Settings, ResourceNames.EventBus, ResourceNames.Gateway], nats.Resource.Users.Select(u => u.Name));
        Assert.Equal([ResourceNames.Settings], redis.Resource.Users.Select(u => u.Name));
        Assert.Equal(3, nats.Resource.Users.Select(u => u.Password).Distinct().Count());
        Assert.Contains("svc.settings.v1.get", nats.Resource.Users.Single(u => u.Name == ResourceNames.Gateway).Permissions.Publish);
        Assert.Contains("$JS.API.>", nats.Resource.Users.Single(u => u.Name == ResourceNames.EventBus).Permissions.Publish);
        Assert.Contains($"user settings on >{redis.Resource.Users[0].Password} resetchannels ~{{settings}}:* -@all", RedisServerBuilderExtensions.AclRule(redis.Resource.Users[0]));

        await NatsServerBuilderExtensions.WriteConfigurationAsync(nats.Resource, _files, CancellationToken.None);
        var check = Process.Start(new ProcessStartInfo("nats-server", ["-t", "-c", NatsServerBuilderExtensions.ConfigurationPath(nats.Resource, _files)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var output = await check.StandardError.ReadToEndAsync() + await check.StandardOutput.ReadToEndAsync();
        await check.WaitForExitAsync();
        Assert.True(check.ExitCode == 0, output);
    }

    public void Dispose() => _files.Dispose();
}

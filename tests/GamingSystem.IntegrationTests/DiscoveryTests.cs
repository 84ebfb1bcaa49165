using System.Text.Json;
using GamingSystem.Contracts;
using NATS.Client.Core;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The services as any NATS tool sees them: a plain NATS.Net connection, none of our SDK, asks the standard
/// <c>$SRV.INFO</c> discovery subject (the NATS micro protocol) and reads the JSON answers.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DiscoveryTests(SystemFixture system)
{
    [Fact]
    public async Task Every_service_of_the_system_answers_srv_info_with_an_endpoint_per_proto_method()
    {
        var services = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .Select(project => ContractRegistry.ForResource(project.Name))
            .OfType<Google.Protobuf.Reflection.ServiceDescriptor>()
            .ToList();
        var operatorUri = new Uri(await system.App.GetConnectionStringAsync(ResourceNames.Nats) ?? throw new InvalidOperationException("nats has no connection string"));
        var credentials = operatorUri.UserInfo.Split(':', 2);
        await using var nats = new NatsConnection(new NatsOpts
        {
            Url = $"nats://{operatorUri.Host}:{operatorUri.Port}",
            AuthOpts = new NatsAuthOpts { Username = Uri.UnescapeDataString(credentials[0]), Password = Uri.UnescapeDataString(credentials[1]) },
        });

        var answers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await foreach (var reply in nats.RequestManyAsync<byte[], string>(
            "$SRV.INFO", [], replySerializer: NatsUtf8PrimitivesSerializer<string>.Default, replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) }))
        {
            using var info = JsonDocument.Parse(reply.Data!);
            var endpoints = info.RootElement.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("subject").GetString()!);
            var name = info.RootElement.GetProperty("name").GetString()!;
            answers.TryAdd(name, []);
            answers[name].UnionWith(endpoints);
        }

        Assert.True(services.Count >= 11, $"the model has {services.Count} NATS services");
        foreach (var service in services)
        {
            var name = ServiceSubjects.ServiceName(service);
            Assert.True(answers.TryGetValue(name, out var subjects), $"{name} did not answer $SRV.INFO; answered: {string.Join(", ", answers.Keys)}");
            Assert.Equal(service.Methods.Select(ServiceSubjects.For).Order(), subjects.Order());
        }
    }
}

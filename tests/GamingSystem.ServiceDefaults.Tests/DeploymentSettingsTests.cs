using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>What the AWS deployment (deploy/, docs/deploy.md) gives a service: a cluster's nodes, NATS's own CA, replicated streams.</summary>
public sealed class DeploymentSettingsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) => new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
        .BuildServiceProvider();

    [Fact]
    public void A_connection_string_listing_a_clusters_nodes_connects_to_any_with_the_first_ones_credentials()
    {
        using var services = Services([]);
        var opts = NatsClientExtensions.CreateOptions("tls://settings:p4ss@nats-0.gaming.internal:4222,tls://nats-1.gaming.internal:4222,tls://nats-2.gaming.internal:4222", services);

        Assert.Equal("tls://nats-0.gaming.internal:4222,tls://nats-1.gaming.internal:4222,tls://nats-2.gaming.internal:4222", opts.Url);
        Assert.Equal("settings", opts.AuthOpts.Username);
        Assert.Equal("p4ss", opts.AuthOpts.Password);
        Assert.Equal("_INBOX.settings", opts.InboxPrefix);
    }

    [Fact]
    public void Nats_trusts_its_own_ca_before_the_shared_one()
    {
        using var both = Services(new() { [ProcessSettings.NatsTlsCaFile] = "/tls/nats-ca.pem", [ProcessSettings.TlsCaFile] = "/run/ca.pem" });
        Assert.Equal("/tls/nats-ca.pem", NatsClientExtensions.CreateOptions("tls://a:b@nats:4222", both).TlsOpts.CaFile);

        using var shared = Services(new() { [ProcessSettings.TlsCaFile] = "/run/ca.pem" });
        Assert.Equal("/run/ca.pem", NatsClientExtensions.CreateOptions("tls://a:b@nats:4222", shared).TlsOpts.CaFile);
    }

    [Fact]
    public void Streams_are_created_with_the_configured_replicas()
    {
        Assert.All(EventContracts.Streams, stream => Assert.Equal(1, EventStreams.ConfigFor(stream).NumReplicas));
        Assert.All(EventContracts.Streams, stream => Assert.Equal(3, EventStreams.ConfigFor(stream, 3).NumReplicas));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Messaging:Events:Replicas"] = "3" }).Build();
        Assert.Equal(3, configuration.GetSection(EventOptions.SectionName).Get<EventOptions>()?.Replicas);
    }
}

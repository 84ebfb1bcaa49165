using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddNats</c> and <c>WithJetStream</c>, shaped like Aspire.Hosting.Nats, for a nats-server that runs as a
/// process: Aspire.Hosting.Nats needs a container engine, and none is needed (or present) here.
/// </summary>
public static class NatsServerBuilderExtensions
{
    /// <summary>The image the manifest names for deployment; local runs use Debian's nats-server.</summary>
    public const string PublishedImage = "docker.io/library/nats:2.10.22";

    /// <summary>The largest message the bus carries: NATS's default is 1 MiB, exactly the largest state value.</summary>
    public const int MaxPayloadBytes = 4 * 1024 * 1024;

    private const string ContainerDataPath = "/data";

    /// <summary>
    /// Adds a nats-server: in run mode a process on a free loopback port with a password generated for the app,
    /// its configuration in a file only this user can read, and a health check on its monitoring endpoint; in
    /// the manifest, the official container image.
    /// </summary>
    public static IResourceBuilder<NatsServerResource> AddNats(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? userName = null,
        IResourceBuilder<ParameterResource>? password = null)
    {
        var server = builder.AddNatsProcess(name, password);
        server.Resource.UserNameParameter = userName?.Resource;
        var nats = server.Resource;
        return server.PublishAsContainer(PublishedImage, container =>
        {
            container.WithEndpoint(targetPort: 4222, name: NatsServerResource.PrimaryEndpointName, scheme: "tcp");
            container.WithEndpoint(targetPort: 8222, name: NatsServerResource.MonitoringEndpointName, scheme: "http");
            container.WithArgs(context =>
            {
                context.Args.Add("--user");
                context.Args.Add(nats.UserNameReference);
                context.Args.Add("--pass");
                context.Args.Add(nats.PasswordParameter);
                context.Args.Add("--http_port");
                context.Args.Add("8222");
                if (nats.JetStreamEnabled)
                {
                    context.Args.Add("--jetstream");
                    context.Args.Add("--store_dir");
                    context.Args.Add(ContainerDataPath);
                }
            });
            if (nats.JetStreamEnabled)
            {
                container.WithVolume($"{name}-data", ContainerDataPath);
            }
        });
    }

    /// <summary>
    /// In run mode, makes this server the first of a cluster of <paramref name="nodes"/> nats-servers on loopback,
    /// routed to each other: the others are resources of their own (<c>{name}-2</c>, ...) that can be stopped or
    /// killed one at a time, with the same users, and JetStream on each if it is on here. Clients get every node's
    /// address; this node starts once the others agree on a JetStream leader, so it is healthy only when the whole
    /// cluster is. The manifest is unchanged: the deployment sizes its own cluster (deploy/).
    /// </summary>
    public static IResourceBuilder<NatsServerResource> WithCluster(this IResourceBuilder<NatsServerResource> builder, int nodes = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // A JetStream cluster needs a majority to elect its leader; the others must have one without this node.
        if (nodes < 3 || nodes % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "A NATS cluster here has an odd number of nodes, 3 or more.");
        }

        var primary = builder.Resource;
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode || primary.ClusterNodes.Count > 0)
        {
            return builder;
        }

        primary.ClusterNodes.Add(primary);
        primary.RoutePort = LoopbackPorts.Free();
        for (var number = 2; number <= nodes; number++)
        {
            var node = builder.ApplicationBuilder.AddNatsProcess($"{primary.Name}-{number}", builder.ApplicationBuilder.CreateResourceBuilder(primary.PasswordParameter));
            node.Resource.ClusterPrimary = primary;
            node.Resource.RoutePort = LoopbackPorts.Free();
            node.WithParentRelationship(primary);
            primary.ClusterNodes.Add(node.Resource);
            builder.WaitFor(node);
        }

        return builder;
    }

    /// <summary>One nats-server process: the client and monitoring endpoints, its configuration file, its health check.</summary>
    private static IResourceBuilder<NatsServerResource> AddNatsProcess(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource>? password)
    {
        var server = builder.AddServer(name, "nats-server", password,
            (command, passwordParameter) => new NatsServerResource(name, command, builder.AppHostDirectory, passwordParameter),
            WriteConfigurationAsync);
        var nats = server.Resource;
        return server
            .WithEndpoint(name: NatsServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: NatsServerResource.MonitoringEndpointName, scheme: "http", isProxied: false)
            .WithIconName("MailMultiple")
            .WithArgs(context =>
            {
                var files = context.ExecutionContext.Services.GetRequiredService<RunFiles>();
                context.Args.Add("--config");
                context.Args.Add(ConfigurationPath(nats, files));
                context.Args.Add("--addr");
                context.Args.Add(nats.PrimaryEndpoint.Property(EndpointProperty.Host));
                context.Args.Add("--port");
                context.Args.Add(nats.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--http_port");
                context.Args.Add(nats.MonitoringEndpoint.Property(EndpointProperty.TargetPort));
            })
            // In a cluster, healthy also means it has a JetStream leader (a majority of the nodes agree).
            .WithHttpHealthCheck(() => nats.MonitoringEndpoint, path: "/healthz");
    }

    /// <summary>
    /// Turns on JetStream. Streams live in a folder of this run unless <c>WithDataDirectory</c> keeps them;
    /// a second health check then asks the server whether JetStream is up.
    /// </summary>
    public static IResourceBuilder<NatsServerResource> WithJetStream(this IResourceBuilder<NatsServerResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Resource.JetStreamEnabled)
        {
            return builder;
        }

        builder.Resource.JetStreamEnabled = true;
        return builder.WithHttpHealthCheck(() => builder.Resource.MonitoringEndpoint, path: "/healthz?js-enabled-only=true");
    }

    internal static string UserEntry(Security.NatsUser user) => string.Create(CultureInfo.InvariantCulture, $$"""
            { user: "{{user.Name}}", password: "{{user.Password}}", permissions: {
                publish: { allow: [{{Quoted(user.Permissions.Publish)}}] }
                subscribe: { allow: [{{Quoted(user.Permissions.Subscribe)}}] }
              } }

        """);

    private static string Quoted(IEnumerable<string> subjects) => string.Join(", ", subjects.Select(subject => $"\"{subject}\""));

    internal static string ConfigurationPath(NatsServerResource nats, RunFiles files) =>
        Path.Combine(files.DirectoryFor(nats.Name), "nats.conf");

    /// <summary>The credentials and storage, kept out of the command line (which every local user can read).</summary>
    internal static async Task WriteConfigurationAsync(NatsServerResource node, RunFiles files, CancellationToken cancellationToken)
    {
        // A cluster's other nodes are written from the settings and users of the node the app references.
        var nats = node.ClusterPrimary ?? node;
        var user = await nats.UserNameReference.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var password = await nats.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var config = string.Create(CultureInfo.InvariantCulture, $$"""
            # Generated by the GamingSystem AppHost for one run; deleted when it stops.
            server_name: "{{node.Name}}"
            # Room for the largest documented request (a 1 MiB state value) with its envelope and headers.
            max_payload: {{MaxPayloadBytes}}
            # The operator (tools, tests, the dashboard's links) may do anything; every project that references
            # this server has its own user, with the permissions the app model gives it (docs/security.md).
            authorization {
              users = [
                { user: "{{user}}", password: "{{password}}" }
            {{string.Concat(nats.Users.Select(UserEntry))}}  ]
            }

            """);
        if (nats.TlsEnabled)
        {
            var certificates = Security.DevelopmentCertificates.For(files);
            config += $$"""
                # Clients must use TLS; they verify this certificate against the run's development CA.
                tls {
                  cert_file: "{{certificates.CertificateFile}}"
                  key_file: "{{certificates.KeyFile}}"
                  timeout: 2
                }

                """;
        }

        if (nats.ClusterNodes.Count > 0)
        {
            // Routes carry every message between the nodes; only the nodes know their password (the operator's).
            config += $$"""
                cluster {
                  name: "{{nats.Name}}"
                  listen: "127.0.0.1:{{node.RoutePort}}"
                  authorization { user: "route", password: "{{password}}" }
                  routes: [{{string.Join(", ", nats.ClusterNodes.Where(other => other != node).Select(other => $"\"nats-route://route:{password}@127.0.0.1:{other.RoutePort}\""))}}]
                }

                """;
        }

        if (nats.JetStreamEnabled)
        {
            var store = nats.DataDirectory is { } kept
                ? (node == nats ? kept : Path.Combine(kept, node.Name))
                : files.DirectoryFor(node.Name, "jetstream");
            Directory.CreateDirectory(store);
            config += $$"""
                jetstream {
                  store_dir: "{{store}}"
                }

                """;
        }

        RunFiles.WritePrivateFile(ConfigurationPath(node, files), config);
    }
}

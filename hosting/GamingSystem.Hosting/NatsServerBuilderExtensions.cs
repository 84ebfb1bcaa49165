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
        var server = builder.AddServer(name, "nats-server", password,
            (command, passwordParameter) => new NatsServerResource(name, command, builder.AppHostDirectory, passwordParameter) { UserNameParameter = userName?.Resource },
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
            .WithHttpHealthCheck(() => nats.MonitoringEndpoint, path: "/healthz")
            .PublishAsContainer(PublishedImage, container =>
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
    internal static async Task WriteConfigurationAsync(NatsServerResource nats, RunFiles files, CancellationToken cancellationToken)
    {
        var user = await nats.UserNameReference.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var password = await nats.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var config = string.Create(CultureInfo.InvariantCulture, $$"""
            # Generated by the GamingSystem AppHost for one run; deleted when it stops.
            server_name: "{{nats.Name}}"
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

        if (nats.JetStreamEnabled)
        {
            var store = nats.DataDirectory ?? files.DirectoryFor(nats.Name, "jetstream");
            Directory.CreateDirectory(store);
            config += $$"""
                jetstream {
                  store_dir: "{{store}}"
                }

                """;
        }

        RunFiles.WritePrivateFile(ConfigurationPath(nats, files), config);
    }
}

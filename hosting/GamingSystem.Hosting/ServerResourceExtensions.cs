using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aspire.Hosting;

public static class ServerResourceExtensions
{
    /// <summary>Keeps the server's data (JetStream's streams, Redis' append-only file) in <paramref name="path"/>, relative to the AppHost, across runs.</summary>
    public static IResourceBuilder<T> WithDataDirectory<T>(this IResourceBuilder<T> builder, string path)
        where T : IServerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        builder.Resource.DataDirectory = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        return builder;
    }

    /// <summary>
    /// Serves only TLS in run mode: the server presents a certificate signed by a CA made for this run
    /// (<see cref="Security.DevelopmentCertificates"/>), and every project that references it gets the CA's path
    /// (<c>Tls:CaFile</c>) and a connection string that asks for TLS, so clients verify the server; plaintext
    /// clients are refused. Deployment always uses TLS (deploy/).
    /// </summary>
    public static IResourceBuilder<T> WithTls<T>(this IResourceBuilder<T> builder)
        where T : IServerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.TlsEnabled = builder.ApplicationBuilder.ExecutionContext.IsRunMode;
        return builder;
    }

    /// <summary>
    /// What every server of Debian's packages shares: its binary located (in run mode, or a clear error), a
    /// password generated for the app unless one is given, its configuration written just before each start, and
    /// a restart when it crashes.
    /// </summary>
    internal static IResourceBuilder<T> AddServer<T>(
        this IDistributedApplicationBuilder builder,
        string name,
        string binary,
        IResourceBuilder<ParameterResource>? password,
        Func<string, ParameterResource, T> create,
        Func<T, RunFiles, CancellationToken, Task> writeConfiguration)
        where T : ExecutableResource, IServerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var passwordParameter = password?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var command = builder.ExecutionContext.IsRunMode ? ServerBinary.Locate(binary, package: binary) : binary;
        var server = create(command, passwordParameter);
        builder.Services.TryAddSingleton<RunFiles>();
        builder.Services.TryAddEventingSubscriber<Security.ServiceIdentities>();
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (@event, cancellationToken) =>
            writeConfiguration(server, @event.Services.GetRequiredService<RunFiles>(), cancellationToken));
        // A server that crashes (or is killed) comes back on the same port with the same configuration; the
        // clients' reconnect logic does the rest.
        return builder.AddResource(server).WithRestartOnCrash();
    }
}

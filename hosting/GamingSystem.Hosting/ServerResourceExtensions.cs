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

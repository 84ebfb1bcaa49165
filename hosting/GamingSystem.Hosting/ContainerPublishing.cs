using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class ContainerPublishingExtensions
{
    /// <summary>
    /// Writes this executable into the manifest as a container of <paramref name="image"/>
    /// (<c>registry/repository:tag</c>), so a deployment gets a deployable resource and no local path.
    /// <paramref name="configure"/> declares the container's ports, arguments and volumes; it runs when the
    /// manifest is written, after the whole model has been declared.
    /// </summary>
    public static IResourceBuilder<T> PublishAsContainer<T>(
        this IResourceBuilder<T> builder, string image, Action<IResourceBuilder<ContainerResource>> configure)
        where T : ExecutableResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(image);
        ArgumentNullException.ThrowIfNull(configure);

        var (registry, repository, tag) = SplitImage(image);
        return builder.WithManifestPublishingCallback(async context =>
        {
            // Same name, so that references to this resource ({name.bindings.tcp.port}) resolve to the container;
            // never added to the model, it only describes the deployment.
            var container = builder.ApplicationBuilder.CreateResourceBuilder(new ContainerResource(builder.Resource.Name))
                .WithImage(repository, tag)
                .WithImageRegistry(registry);
            configure(container);
            await context.WriteContainerAsync(container.Resource).ConfigureAwait(false);
            if (builder.Resource is IResourceWithConnectionString)
            {
                context.WriteConnectionString(builder.Resource);
            }
        });
    }

    private static (string Registry, string Repository, string Tag) SplitImage(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var colon = image.LastIndexOf(':');
        if (slash <= 0 || colon < slash)
        {
            throw new ArgumentException($"'{image}' is not a pinned image reference (registry/repository:tag).", nameof(image));
        }

        return (image[..slash], image[(slash + 1)..colon], image[(colon + 1)..]);
    }
}

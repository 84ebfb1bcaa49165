using GamingSystem.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Hosting.Testing;

/// <summary>The AppHost's builder, handed to a test that may adjust it before building.</summary>
public interface IDistributedApplicationTestingBuilder
{
    /// <summary>The builder the AppHost's Program filled in.</summary>
    IDistributedApplicationBuilder Builder { get; }

    ConfigurationManager Configuration => Builder.Configuration;

    IServiceCollection Services => Builder.Services;

    IHostEnvironment Environment => Builder.Environment;

    IReadOnlyList<IResource> Resources => Builder.Resources;

    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}

using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// Serves <paramref name="service"/> as a NATS micro service. Register one handler per method on the
    /// returned builder; start-up fails, naming them, if any method is left without one.
    /// </summary>
    public static NatsServiceBuilder AddNatsService<TBuilder>(this TBuilder builder, ServiceDescriptor service)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(service);

        // Every service may publish events; the streams they go to are created before it serves.
        builder.AddEventPublisher();
        builder.Services.TryAddSingleton<CallerProofs>();
        var registration = new ServiceRegistration(service);
        builder.Services.AddSingleton<IHostedService>(services => new NatsServiceHost(
            registration,
            services.GetRequiredService<INatsConnection>(),
            services,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<NatsServiceHost>>()));
        builder.Services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.SectionName)
            .Validate(o => o.Ttl >= TimeSpan.FromSeconds(5) && o.Ttl <= TimeSpan.FromMinutes(5), $"{RegistryOptions.SectionName}:{nameof(RegistryOptions.Ttl)} must be 5 s to 5 min");
        builder.Services.AddSingleton<IHostedService>(services => new CapabilityRegistration(
            service,
            services.GetRequiredService<ServiceClient>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistryOptions>>(),
            services.GetRequiredService<ILogger<CapabilityRegistration>>()));
        return new NatsServiceBuilder(builder.Services, registration);
    }

    /// <summary>The typed request client (<see cref="ServiceClient"/>); <c>AddNatsClient</c> calls this.</summary>
    public static IServiceCollection AddServiceClient(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Checked at start-up: a value Polly refuses would otherwise fail every call, one by one, at run time.
        services.AddOptions<ServiceClientOptions>()
            .BindConfiguration(ServiceClientOptions.SectionName)
            .Validate(o => o.DefaultTimeout > TimeSpan.Zero, $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.DefaultTimeout)} must be positive")
            .Validate(o => o.MaxRetries is >= 0 and <= 100, $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.MaxRetries)} must be 0 to 100")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero && o.RetryBaseDelay <= TimeSpan.FromMinutes(1),
                $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.RetryBaseDelay)} must be 0 to 1 minute")
            .Validate(o => o.RetryMaxDelay >= o.RetryBaseDelay && o.RetryMaxDelay <= TimeSpan.FromMinutes(1),
                $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.RetryMaxDelay)} must be from RetryBaseDelay to 1 minute")
            .Validate(o => o.BreakDuration >= TimeSpan.FromMilliseconds(500) && o.BreakDuration <= TimeSpan.FromDays(1),
                $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.BreakDuration)} must be 0.5 s to 1 day (Polly's range)")
            .Validate(o => o.StreamWindow is >= 1 and <= StreamProtocol.MaxWindow, $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.StreamWindow)} must be 1 to {StreamProtocol.MaxWindow}")
            .Validate(o => o.StreamIdleTimeout > TimeSpan.Zero, $"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.StreamIdleTimeout)} must be positive")
            .ValidateOnStart();
        services.TryAddSingleton<CallerProofs>();
        services.TryAddSingleton<BusDenials>();
        services.TryAddSingleton<ServiceClient>();
        return services;
    }

    /// <summary>
    /// <see cref="GamingSystem.ServiceDefaults.Ai.AiContent"/> for an AI-backed service: text through ai-router, or the
    /// service's own fallback in survival mode or when AI fails. The AppHost gives the service <c>WithAiBackend</c>.
    /// </summary>
    public static TBuilder AddAiContent<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GamingSystem.ServiceDefaults.Ai.AiContentOptions>()
            .BindConfiguration(GamingSystem.ServiceDefaults.Ai.AiContentOptions.SectionName)
            .Validate(o => o.Timeout > TimeSpan.Zero, "AiContent:Timeout must be positive")
            .Validate(o => o.ModeCacheDuration >= TimeSpan.Zero, "AiContent:ModeCacheDuration must not be negative")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<GamingSystem.ServiceDefaults.Ai.AiContent>();
        return builder;
    }
}

using System.Text.RegularExpressions;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Events;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Microsoft.Extensions.Hosting;

public static partial class EventExtensions
{
    /// <summary>
    /// <see cref="EventPublisher"/> and the JetStream streams of <c>common.proto</c>, created or updated at start-up.
    /// <c>AddNatsService</c> and <c>AddEventHandler</c> call it; call it directly in a process that only publishes.
    /// </summary>
    public static TBuilder AddEventPublisher<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EventOptions>()
            .BindConfiguration(EventOptions.SectionName)
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, $"{EventOptions.SectionName}:{nameof(EventOptions.PublishTimeout)} must be positive")
            .ValidateOnStart();
        builder.AddJetStream();
        builder.Services.TryAddSingleton<EventPublisher>();
        // Registered before any consumer, so the streams exist when the consumers start.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventStreams>());
        return builder;
    }

    /// <summary>JetStream over the process's NATS connection (<see cref="INatsJSContext"/>), for a process that reads streams itself.</summary>
    public static TBuilder AddJetStream<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EventOptions>().BindConfiguration(EventOptions.SectionName);
        builder.Services.TryAddSingleton<INatsJSContext>(services =>
        {
            var connection = services.GetRequiredService<INatsConnection>();
            // JetStream's API calls and acks wait at most PublishTimeout.
            var timeout = services.GetRequiredService<IOptions<EventOptions>>().Value.PublishTimeout;
            return new NatsJSContext(connection, new NatsJSOpts(connection.Opts, requestTimeout: timeout));
        });
        return builder;
    }

    /// <summary>
    /// Handles <typeparamref name="TEvent"/> with <typeparamref name="THandler"/> through a durable consumer of this
    /// service: every instance shares it, so each event is handled once per service, and events published while the
    /// service was down are handled when it is back.
    /// </summary>
    public static IHostApplicationBuilder AddEventHandler<TEvent, THandler>(this IHostApplicationBuilder builder, Action<EventConsumerOptions>? configure = null)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new EventConsumerOptions();
        configure?.Invoke(options);
        var eventName = new TEvent().Descriptor.Name;
        options.Validate(eventName);
        var durable = options.Durable ?? EventContracts.DurableName(ServiceName(builder), new TEvent().Descriptor);
        if (!DurableName().IsMatch(durable))
        {
            throw new InvalidOperationException($"Consumer name '{durable}' for {eventName} may hold only letters, digits, '-' and '_'.");
        }

        builder.AddEventPublisher();
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddSingleton<IHostedService>(services => new EventConsumer<TEvent, THandler>(
            services.GetRequiredService<INatsJSContext>(),
            services.GetRequiredService<EventPublisher>(),
            services,
            options,
            durable,
            services.GetRequiredService<ILogger<EventConsumer<TEvent, THandler>>>()));
        return builder;
    }

    /// <summary>The resource name Aspire gives the process (OTEL_SERVICE_NAME), else the application's name.</summary>
    private static string ServiceName(IHostApplicationBuilder builder)
    {
        var name = builder.Configuration["OTEL_SERVICE_NAME"];
        return InvalidDurableCharacter().Replace(string.IsNullOrWhiteSpace(name) ? builder.Environment.ApplicationName : name, "-");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex DurableName();

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex InvalidDurableCharacter();
}

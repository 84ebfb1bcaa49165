using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>Collects the handlers of one proto service; returned by <c>AddNatsService</c>.</summary>
public sealed class NatsServiceBuilder
{
    private readonly IServiceCollection _services;
    private readonly ServiceRegistration _registration;

    internal NatsServiceBuilder(IServiceCollection services, ServiceRegistration registration)
    {
        _services = services;
        _registration = registration;
    }

    public ServiceDescriptor Service => _registration.Service;

    /// <summary>Binds <typeparamref name="THandler"/> to the method it implements.</summary>
    public NatsServiceBuilder AddHandler<THandler>()
        where THandler : class
    {
        var handlerType = typeof(THandler);
        var contract = handlerType.GetInterfaces()
            .SingleOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IServiceHandler<,>))
            ?? throw new InvalidOperationException($"{handlerType.Name} does not implement IServiceHandler<TRequest, TResponse>.");
        var (requestType, responseType) = (contract.GetGenericArguments()[0], contract.GetGenericArguments()[1]);

        var method = FindMethod(handlerType, requestType, responseType);
        if (_registration.Handlers.ContainsKey(method.Name))
        {
            throw new InvalidOperationException($"{Service.FullName}.{method.Name} already has a handler; {handlerType.Name} would be a second one.");
        }

        _services.TryAddSingleton<THandler>();
        var bind = typeof(NatsServiceBuilder).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(handlerType, requestType, responseType);
        _registration.Handlers[method.Name] = (Func<IServiceProvider, MethodHandler>)bind.CreateDelegate(typeof(Func<IServiceProvider, MethodHandler>));
        return this;
    }

    /// <summary>
    /// Limit on requests this instance handles at once (default 256), and on those that may wait for a slot
    /// (default as many, holding at most <see cref="DefaultMaxWaitingBytes"/> of messages between them); past
    /// either, a request is refused at once with UNAVAILABLE, so the caller can retry elsewhere instead of
    /// waiting out its deadline in a queue that only grows.
    /// </summary>
    public NatsServiceBuilder WithMaxConcurrency(int maxConcurrentRequests, int? maxWaiting = null, long? maxWaitingBytes = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWaiting ?? 0);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWaitingBytes ?? 0);
        _registration.MaxConcurrency = maxConcurrentRequests;
        _registration.MaxWaiting = maxWaiting ?? maxConcurrentRequests;
        _registration.MaxWaitingBytes = maxWaitingBytes ?? DefaultMaxWaitingBytes;
        return this;
    }

    /// <summary>
    /// 64 MiB: room for 256 waiting requests of a typical size (a few KiB), but not for 256 at NATS's 4 MiB
    /// max_payload, which would be a gigabyte held for callers that will likely time out anyway.
    /// </summary>
    public const long DefaultMaxWaitingBytes = 64L * 1024 * 1024;

    private MethodDescriptor FindMethod(Type handlerType, Type requestType, Type responseType)
    {
        var candidates = Service.Methods
            .Where(m => m.InputType.ClrType == requestType && m.OutputType.ClrType == responseType)
            .ToList();
        if (candidates.Count > 1)
        {
            candidates = candidates.Where(m => handlerType.Name == m.Name + "Handler").ToList();
        }

        return candidates.Count == 1
            ? candidates[0]
            : throw new InvalidOperationException(
                $"{handlerType.Name} handles {requestType.Name} -> {responseType.Name}, but {Service.FullName} has " +
                (candidates.Count == 0 ? "no method with those types." : $"several; name the class <Method>Handler."));
    }

    private static MethodHandler Bind<THandler, TRequest, TResponse>(IServiceProvider services)
        where THandler : class, IServiceHandler<TRequest, TResponse>
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var handler = services.GetRequiredService<THandler>();
        return async (request, context) => await handler.HandleAsync((TRequest)request, context).ConfigureAwait(false);
    }
}

internal delegate ValueTask<IMessage> MethodHandler(IMessage request, CallContext context);

internal sealed class ServiceRegistration(ServiceDescriptor service)
{
    public ServiceDescriptor Service { get; } = service;

    public Dictionary<string, Func<IServiceProvider, MethodHandler>> Handlers { get; } = [];

    public int MaxConcurrency { get; set; } = 256;

    public int MaxWaiting { get; set; } = 256;

    public long MaxWaitingBytes { get; set; } = NatsServiceBuilder.DefaultMaxWaitingBytes;

    /// <summary>The start-up check: every method has a handler (a handler without a method fails at AddHandler).</summary>
    public void EnsureComplete()
    {
        var missing = Service.Methods.Where(m => !Handlers.ContainsKey(m.Name)).Select(m => m.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{Service.FullName} has no handler for {string.Join(", ", missing)}. " +
                $"Register one per method, e.g. .AddHandler<{missing[0]}Handler>().");
        }
    }
}

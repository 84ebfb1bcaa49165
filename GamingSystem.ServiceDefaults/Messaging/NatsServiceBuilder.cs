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

    /// <summary>
    /// Binds <typeparamref name="THandler"/> (an <see cref="IServiceHandler{TRequest, TResponse}"/>, or an
    /// <see cref="IStreamHandler{TRequest, TResponse}"/> for a method that <c>returns (stream T)</c>) to the method it implements.
    /// </summary>
    public NatsServiceBuilder AddHandler<THandler>()
        where THandler : class
    {
        var handlerType = typeof(THandler);
        var contracts = handlerType.GetInterfaces()
            .Where(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IServiceHandler<,>) || i.GetGenericTypeDefinition() == typeof(IStreamHandler<,>)))
            .ToList();
        if (contracts.Count != 1)
        {
            throw new InvalidOperationException(contracts.Count == 0
                ? $"{handlerType.Name} implements neither IServiceHandler<TRequest, TResponse> nor IStreamHandler<TRequest, TResponse>."
                : $"{handlerType.Name} implements several handler interfaces; a handler class serves one method.");
        }

        var contract = contracts[0];
        var streaming = contract.GetGenericTypeDefinition() == typeof(IStreamHandler<,>);
        var (requestType, responseType) = (contract.GetGenericArguments()[0], contract.GetGenericArguments()[1]);

        var method = FindMethod(handlerType, requestType, responseType);
        if (method.IsServerStreaming != streaming)
        {
            throw new InvalidOperationException(method.IsServerStreaming
                ? $"{method.FullName} returns a stream of {responseType.Name}, but {handlerType.Name} is a unary handler: implement IStreamHandler<{requestType.Name}, {responseType.Name}>."
                : $"{method.FullName} returns one {responseType.Name}, but {handlerType.Name} is a stream handler: implement IServiceHandler<{requestType.Name}, {responseType.Name}>.");
        }

        if (_registration.Handlers.ContainsKey(method.Name))
        {
            throw new InvalidOperationException($"{Service.FullName}.{method.Name} already has a handler; {handlerType.Name} would be a second one.");
        }

        _services.TryAddSingleton<THandler>();
        var bind = typeof(NatsServiceBuilder).GetMethod(streaming ? nameof(BindStream) : nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(handlerType, requestType, responseType);
        _registration.Handlers[method.Name] = (Func<IServiceProvider, StreamCallServer, BoundMethod>)bind.CreateDelegate(typeof(Func<IServiceProvider, StreamCallServer, BoundMethod>));
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

    private static BoundMethod Bind<THandler, TRequest, TResponse>(IServiceProvider services, StreamCallServer streams)
        where THandler : class, IServiceHandler<TRequest, TResponse>
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var handler = services.GetRequiredService<THandler>();
        return new BoundMethod(async (request, context) => await handler.HandleAsync((TRequest)request, context).ConfigureAwait(false), null);
    }

    private static BoundMethod BindStream<THandler, TRequest, TResponse>(IServiceProvider services, StreamCallServer streams)
        where THandler : class, IStreamHandler<TRequest, TResponse>
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var handler = services.GetRequiredService<THandler>();
        // IAsyncEnumerable is covariant: a stream of TResponse is a stream of IMessage, no copying enumerator needed.
        StreamMethodHandler stream = (request, context) => handler.HandleAsync((TRequest)request, context);
        return new BoundMethod(null, (msg, request, context) => streams.RunAsync(stream, msg, request, context));
    }
}

internal delegate ValueTask<IMessage> MethodHandler(IMessage request, CallContext context);

/// <summary>What the host runs for one method: a unary handler, or a stream run through <see cref="StreamCallServer"/>.</summary>
internal sealed record BoundMethod(MethodHandler? Unary, Func<NATS.Client.Services.NatsSvcMsg<IMessage>, IMessage, CallContext, Task>? Stream);

internal sealed class ServiceRegistration(ServiceDescriptor service)
{
    public ServiceDescriptor Service { get; } = service;

    public Dictionary<string, Func<IServiceProvider, StreamCallServer, BoundMethod>> Handlers { get; } = [];

    public int MaxConcurrency { get; set; } = 256;

    public int MaxWaiting { get; set; } = 256;

    public long MaxWaitingBytes { get; set; } = NatsServiceBuilder.DefaultMaxWaitingBytes;

    public BoundMethod Bind(MethodDescriptor method, IServiceProvider services, StreamCallServer streams) =>
        Handlers[method.Name](services, streams);

    /// <summary>
    /// The start-up check: every method has a handler (a handler without a method, or of the wrong kind, fails at
    /// AddHandler), and none streams from the caller, which the SDK does not carry.
    /// </summary>
    public void EnsureComplete()
    {
        var callerStreams = Service.Methods.Where(m => m.IsClientStreaming).Select(m => m.Name).ToList();
        if (callerStreams.Count > 0)
        {
            throw new InvalidOperationException(
                $"{Service.FullName} has client- or bidirectional-streaming methods ({string.Join(", ", callerStreams)}); the SDK serves unary and server-streaming methods only.");
        }

        var missing = Service.Methods.Where(m => !Handlers.ContainsKey(m.Name)).Select(m => m.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{Service.FullName} has no handler for {string.Join(", ", missing)}. " +
                $"Register one per method, e.g. .AddHandler<{missing[0]}Handler>().");
        }
    }
}

using Google.Protobuf;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Handles one method of a proto service. The SDK binds it to the method whose request and response
/// types match (or, when several do, to the method the class is named for: <c>PutHandler</c> -> <c>Put</c>).
/// Handlers are singletons: keep them stateless, take dependencies by constructor.
/// </summary>
public interface IServiceHandler<in TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    ValueTask<TResponse> HandleAsync(TRequest request, CallContext context);
}

using Google.Protobuf;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Handles one server-streaming method (<c>returns (stream T)</c>): yields its chunks, in order. The SDK sends
/// each one as soon as the caller has room for it, so a slow caller pauses the enumeration at a
/// <c>yield return</c> instead of growing a buffer. <see cref="CallContext.CancellationToken"/> fires when the
/// caller stops reading, goes away, cancels, or its deadline passes; pass it to whatever the handler awaits.
/// Bound like <see cref="IServiceHandler{TRequest, TResponse}"/>: by types, or by the class name when several match.
/// </summary>
public interface IStreamHandler<in TRequest, out TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    IAsyncEnumerable<TResponse> HandleAsync(TRequest request, CallContext context);
}

using Google.Protobuf;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Everything a service sends back to a caller, for unary and streaming calls alike: replies, NATS micro error
/// replies (with <see cref="Contracts.Common.V1.Error"/>) and stream frames.
/// </summary>
internal sealed partial class CallReplies(INatsConnection nats, ILogger logger)
{
    /// <summary>
    /// Replies go out while the connection is open; without one, NATS.Net would hold the reply until a reconnect,
    /// long after any caller stopped waiting, so it is dropped.
    /// </summary>
    public CancellationToken Token =>
        nats.ConnectionState == NatsConnectionState.Open ? CancellationToken.None : new CancellationToken(canceled: true);

    public async ValueTask ReplyAsync(NatsSvcMsg<IMessage> msg, IMessage response)
    {
        try
        {
            // Not the stopping token: a handler that finished while the service stops still delivers its answer.
            await msg.ReplyAsync(response, serializer: ProtobufSerializer.Instance, cancellationToken: Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            LogReplyFailed(ex, msg.Subject);
        }
    }

    public async ValueTask ReplyErrorAsync(NatsSvcMsg<IMessage> msg, Contracts.Common.V1.Error error)
    {
        try
        {
            await msg.ReplyErrorAsync<IMessage>(
                ErrorCodes.ToHttpStatus(error.Code),
                error.Message,
                error,
                serializer: ProtobufSerializer.Instance,
                cancellationToken: Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            // The caller will see its own timeout; nothing more can be done for this request.
            LogReplyFailed(ex, msg.Subject);
        }
    }

    /// <summary>One frame of a stream; unlike a reply, a frame that cannot be sent is the caller's problem to hear of, so this throws.</summary>
    public ValueTask PublishFrameAsync(string inbox, ReadOnlyMemory<byte> body, NatsHeaders headers) =>
        body.IsEmpty
            ? nats.PublishAsync(inbox, headers: headers, cancellationToken: Token)
            : nats.PublishAsync(inbox, body, headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: Token);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Could not send the reply for {Subject}")]
    private partial void LogReplyFailed(Exception exception, string subject);
}

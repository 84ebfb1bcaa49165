using System.Buffers;
using GamingSystem.Contracts.Common.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>A reply: the method's response, or the error a NATS micro error reply carried.</summary>
public readonly record struct Reply(IMessage? Message, Error? Error);

/// <summary>
/// Reads a reply straight from NATS's buffer. The headers decide what the payload is: with
/// <c>Nats-Service-Error</c> it is a <see cref="Contracts.Common.V1.Error"/> (or nothing, from a plain NATS
/// micro service, whose status code then maps to one), otherwise the method's response.
/// </summary>
public sealed class ReplyDeserializer(MethodDescriptor method) : INatsDeserialize<Reply>, INatsDeserializeWithContext<Reply>
{
    public Reply Deserialize(in ReadOnlySequence<byte> buffer) => Response(buffer);

    public Reply Deserialize(in ReadOnlySequence<byte> buffer, in NatsMsgContext context) =>
        context.Headers is NatsHeaders headers && headers.TryGetLastValue(NatsSvcConstants.ServiceErrorHeader, out var description)
            ? new Reply(null, ReadError(headers, description, buffer))
            : Response(buffer);

    private Reply Response(in ReadOnlySequence<byte> buffer)
    {
        try
        {
            return new Reply(method.OutputType.Parser.ParseFrom(buffer), null);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return new Reply(null, new Error
            {
                Code = ErrorCode.Internal,
                Message = $"{method.FullName} replied with a payload that is not a {method.OutputType.FullName}: {ex.Message}",
            });
        }
    }

    internal static Error ReadError(NatsHeaders headers, string description, in ReadOnlySequence<byte> buffer)
    {
        if (!buffer.IsEmpty)
        {
            try
            {
                var error = Error.Parser.ParseFrom(buffer);
                if (error.Code != ErrorCode.Unspecified)
                {
                    return error;
                }
            }
            catch (InvalidProtocolBufferException)
            {
                // Not one of ours (a plain NATS micro service); the headers say what happened.
            }
        }

        var status = headers.TryGetLastValue(NatsSvcConstants.ServiceErrorCodeHeader, out var text) && int.TryParse(text, out var parsed) ? parsed : 500;
        return new Error { Code = ErrorCodes.FromHttpStatus(status), Message = description };
    }
}

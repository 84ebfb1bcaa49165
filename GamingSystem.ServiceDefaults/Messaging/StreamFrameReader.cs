using System.Buffers;
using GamingSystem.Contracts.Common.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using NATS.Client.Core;
using NATS.Client.Services;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// What a stream frame carried: the chunks of a chunks frame (parsed; <see cref="First"/> is the first one's
/// number), or the error of an error frame, or neither (open and end frames, whose headers say it all).
/// <see cref="Problem"/> is set instead when a chunks frame's body does not hold what its headers announce.
/// </summary>
internal readonly record struct StreamFrame(long First, IMessage[]? Chunks, Error? Error, string? Problem);

/// <summary>
/// Reads stream frames straight from NATS's buffer: each chunk is parsed from its slice of the frame, with no copy
/// and no NATS message of its own. Runs on the connection's reading loop, ahead of the reader.
/// </summary>
internal sealed class StreamFrameDeserializer(MethodDescriptor method) : INatsDeserialize<StreamFrame>, INatsDeserializeWithContext<StreamFrame>
{
    public StreamFrame Deserialize(in ReadOnlySequence<byte> buffer) => default;

    public StreamFrame Deserialize(in ReadOnlySequence<byte> buffer, in NatsMsgContext context)
    {
        if (context.Headers is not NatsHeaders headers)
        {
            return default;
        }

        if (headers.TryGetLastValue(NatsSvcConstants.ServiceErrorHeader, out var description))
        {
            return new StreamFrame(0, null, ReplyDeserializer.ReadError(headers, description, buffer), null);
        }

        if (StreamProtocol.ReadNumber(headers, StreamProtocol.First) is not { } first)
        {
            return default;
        }

        var count = StreamProtocol.ReadNumber(headers, StreamProtocol.Count) ?? 0;
        // Every chunk takes at least its one-byte length, which bounds what a bad header could make us allocate.
        if (count < 1 || count > buffer.Length)
        {
            return new StreamFrame(first, null, null, $"a frame announces {count} chunks in {buffer.Length} bytes");
        }

        return Parse(first, (int)count, buffer);
    }

    private StreamFrame Parse(long first, int count, ReadOnlySequence<byte> buffer)
    {
        var chunks = new IMessage[count];
        var reader = new SequenceReader<byte>(buffer);
        for (var i = 0; i < count; i++)
        {
            if (!TryReadLength(ref reader, out var size) || reader.Remaining < size)
            {
                return new StreamFrame(first, null, null, $"a frame of {count} chunks from {first} ends inside chunk {first + i}");
            }

            try
            {
                chunks[i] = method.OutputType.Parser.ParseFrom(buffer.Slice(reader.Position, size));
            }
            catch (InvalidProtocolBufferException ex)
            {
                return new StreamFrame(first, null, null, $"chunk {first + i} is not a {method.OutputType.FullName}: {ex.Message}");
            }

            reader.Advance(size);
        }

        return reader.End
            ? new StreamFrame(first, chunks, null, null)
            : new StreamFrame(first, null, null, $"a frame of {count} chunks from {first} carries more than {count} chunks");
    }

    private static bool TryReadLength(ref SequenceReader<byte> reader, out int length)
    {
        length = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (!reader.TryRead(out var b))
            {
                return false;
            }

            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return length >= 0;
            }
        }

        return false;
    }
}

using System.Buffers;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.ServiceDefaults.Tests.SdkTest.V1;
using Google.Protobuf;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>The chunks frame on its own: what the service writes is what the caller reads, and a bad frame is told apart.</summary>
public sealed class StreamFrameTests
{
    private readonly StreamFrameDeserializer _reader = new(StreamTestService.Count);

    [Fact]
    public void A_frame_carries_its_chunks_in_order_with_their_numbers()
    {
        using var writer = new StreamFrameWriter(1024 * 1024);
        for (var n = 41; n <= 45; n++)
        {
            Add(writer, n, new CountChunk { N = n, Payload = ByteString.CopyFrom(new byte[n * 10]) });
        }

        var frame = Read(writer.Payload, writer.Headers());

        Assert.Null(frame.Problem);
        Assert.Equal(41, frame.First);
        Assert.Equal([41, 42, 43, 44, 45], frame.Chunks!.Cast<CountChunk>().Select(c => c.N));
        Assert.Equal(450, ((CountChunk)frame.Chunks![4]).Payload.Length);
    }

    [Fact]
    public void A_chunk_with_every_field_at_its_default_still_counts()
    {
        using var writer = new StreamFrameWriter(1024 * 1024);
        Add(writer, 1, new CountChunk());
        Add(writer, 2, new CountChunk { N = 2 });

        var frame = Read(writer.Payload, writer.Headers());

        Assert.Equal([0, 2], frame.Chunks!.Cast<CountChunk>().Select(c => c.N));
    }

    [Fact]
    public void The_writer_keeps_a_frame_within_its_chunk_and_byte_limits()
    {
        using var small = new StreamFrameWriter(maxPayload: 4096);
        Assert.Equal(4096 - StreamFrameWriter.HeaderRoom, small.Budget);
        using var large = new StreamFrameWriter(maxPayload: 8 * 1024 * 1024);
        Assert.Equal(StreamFrameWriter.MaxBytes, large.Budget);

        for (var n = 1; n <= StreamFrameWriter.MaxChunks; n++)
        {
            Assert.False(large.IsFull);
            Add(large, n, new CountChunk { N = n });
        }

        Assert.True(large.IsFull);
        Assert.True(small.Fits(10_000), "an empty frame takes a chunk of any size");
        Add(small, 1, new CountChunk { N = 1 });
        Assert.False(small.Fits(small.Budget), "a second chunk must not take the frame past its budget");
    }

    [Fact]
    public void A_chunk_out_of_turn_is_refused_by_the_writer()
    {
        using var writer = new StreamFrameWriter(1024 * 1024);
        Add(writer, 7, new CountChunk { N = 7 });

        Assert.Throws<InvalidOperationException>(() => Add(writer, 9, new CountChunk { N = 9 }));
    }

    [Fact]
    public void A_body_that_does_not_hold_the_announced_chunks_is_a_problem_not_chunks()
    {
        using var writer = new StreamFrameWriter(1024 * 1024);
        Add(writer, 1, new CountChunk { N = 1 });
        Add(writer, 2, new CountChunk { N = 2 });

        var tooFew = Read(writer.Payload, Headers(first: 1, count: 3));
        var tooMany = Read(writer.Payload, Headers(first: 1, count: 1));
        var cut = Read(writer.Payload[..^1], writer.Headers());
        var absurd = Read(writer.Payload, Headers(first: 1, count: 1_000_000));

        Assert.All(new[] { tooFew, tooMany, cut, absurd }, f => Assert.Null(f.Chunks));
        Assert.All(new[] { tooFew, tooMany, cut, absurd }, f => Assert.NotNull(f.Problem));
    }

    private static void Add(StreamFrameWriter writer, long sequence, IMessage chunk) => writer.Add(sequence, chunk, chunk.CalculateSize());

    private static NatsHeaders Headers(long first, int count) => new()
    {
        [StreamProtocol.First] = first.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [StreamProtocol.Count] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private StreamFrame Read(ReadOnlyMemory<byte> payload, NatsHeaders headers) =>
        _reader.Deserialize(new ReadOnlySequence<byte>(payload), new NatsMsgContext("_INBOX.test", null, headers));
}

using System.Buffers;
using System.Globalization;
using Google.Protobuf;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// The chunks frame a service is filling (see <see cref="StreamProtocol"/>): a run of consecutive chunks, each
/// written as a varint length and the encoded message. Chunks are encoded the moment they are added, because a
/// handler may reuse and change one message object between its yields. The buffer is pooled: a stream of a few
/// chunks should not cost a 64 KiB allocation.
/// </summary>
internal sealed class StreamFrameWriter : IDisposable
{
    /// <summary>Enough to pay NATS's per-message cost once for many chunks; more would only delay the first.</summary>
    public const int MaxChunks = 64;

    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Room left in max_payload for the frame's headers: ours (two numbers) and the trace context NATS.Net adds
    /// when it traces the publish; a few hundred bytes in all.
    /// </summary>
    public const int HeaderRoom = 1024;

    private const int MaxVarintLength = 5;

    private byte[] _buffer;
    private int _length;

    /// <param name="maxPayload">The server's max_payload: a frame of several chunks stays within it.</param>
    public StreamFrameWriter(long maxPayload)
    {
        Budget = (int)Math.Clamp(maxPayload - HeaderRoom, 1, MaxBytes);
        _buffer = ArrayPool<byte>.Shared.Rent(4096);
    }

    /// <summary>The most bytes a frame of several chunks may carry; one chunk larger than this goes alone.</summary>
    public int Budget { get; }

    /// <summary>The sequence number of the frame's first chunk.</summary>
    public long First { get; private set; }

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public bool IsFull => Count >= MaxChunks || _length >= Budget;

    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(0, _length);

    /// <summary>Whether a chunk of this encoded size may join the frame; an empty frame takes any chunk.</summary>
    public bool Fits(int size) => Count == 0 || _length + MaxVarintLength + size <= Budget;

    public void Add(long sequence, IMessage chunk, int size)
    {
        if (Count == 0)
        {
            First = sequence;
        }
        else if (sequence != First + Count)
        {
            throw new InvalidOperationException($"chunk {sequence} does not follow chunk {First + Count - 1} in its frame");
        }

        var span = Reserve(MaxVarintLength + size);
        var prefix = WriteVarint(span, (uint)size);
        chunk.WriteTo(span.Slice(prefix, size));
        _length += prefix + size;
        Count++;
    }

    public NatsHeaders Headers() => new()
    {
        [StreamProtocol.First] = First.ToString(CultureInfo.InvariantCulture),
        [StreamProtocol.Count] = Count.ToString(CultureInfo.InvariantCulture),
    };

    public void Clear()
    {
        _length = 0;
        Count = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(_length, size);
    }

    private static int WriteVarint(Span<byte> span, uint value)
    {
        var written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        return written;
    }
}

using Google.Protobuf;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// The payload bytes of the requests waiting for a slot, against a limit. A bound on the number of waiters alone
/// lets 256 requests of 4 MiB (NATS's max_payload here) hold a gigabyte; this one keeps memory bounded by bytes.
/// </summary>
internal sealed class WaitingBytes(long limit)
{
    private long _bytes;

    public long Limit { get; } = limit;

    /// <summary>Counts a request in, unless that would pass the limit; then nothing is counted.</summary>
    public bool TryAdd(long size)
    {
        if (Interlocked.Add(ref _bytes, size) <= Limit)
        {
            return true;
        }

        Interlocked.Add(ref _bytes, -size);
        return false;
    }

    public void Remove(long size) => Interlocked.Add(ref _bytes, -size);

    /// <summary>
    /// What a waiting request holds: its parsed message, whose encoded size is the payload's (NATS.Client.Services
    /// does not expose the raw message). One that failed to parse holds nothing and is answered without waiting long.
    /// </summary>
    public static long SizeOf(IMessage? request) => request?.CalculateSize() ?? 0;
}

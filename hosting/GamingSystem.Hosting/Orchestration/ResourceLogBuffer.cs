using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GamingSystem.Hosting.Lifecycle;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// The last lines of one instance's output, across its restarts. Bounded so a chatty child
/// cannot grow the AppHost's memory; watchers get the backlog, then live lines.
/// </summary>
internal sealed class ResourceLogBuffer(int capacity, TimeProvider timeProvider)
{
    public const int DefaultCapacity = 5000;

    private readonly Lock _lock = new();
    private readonly Queue<LogLine> _lines = new();
    private readonly List<Channel<LogLine>> _watchers = [];
    private long _sequence;

    public void Append(string text, bool isErrorStream)
    {
        lock (_lock)
        {
            var line = new LogLine(++_sequence, timeProvider.GetUtcNow(), text, isErrorStream);
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(line);
            }
        }
    }

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }

    public async IAsyncEnumerable<LogLine> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            foreach (var line in _lines)
            {
                channel.Writer.TryWrite(line);
            }

            _watchers.Add(channel);
        }

        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return line;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }
}

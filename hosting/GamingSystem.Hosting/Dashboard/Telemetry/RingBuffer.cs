namespace GamingSystem.Hosting.Dashboard.Telemetry;

/// <summary>Keeps the newest <c>capacity</c> items; the oldest fall off. Memory stays bounded however long the AppHost runs.</summary>
internal sealed class RingBuffer<T>(int capacity)
{
    private readonly T[] _items = new T[capacity];
    private readonly Lock _lock = new();
    private long _written;

    public long Written
    {
        get
        {
            lock (_lock)
            {
                return _written;
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            _items[_written % _items.Length] = item;
            _written++;
        }
    }

    /// <summary>Oldest first.</summary>
    public List<T> Snapshot()
    {
        lock (_lock)
        {
            var count = (int)Math.Min(_written, _items.Length);
            var result = new List<T>(count);
            for (var i = _written - count; i < _written; i++)
            {
                result.Add(_items[i % _items.Length]);
            }

            return result;
        }
    }
}

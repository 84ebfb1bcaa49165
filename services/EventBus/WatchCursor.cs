using System.Globalization;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.EventBus;

/// <summary>
/// Where a watch stands in each stream it reads: "PLAYER:12,ECONOMY:40,WORLD:7", the last sequence seen per stream.
/// A client resumes from it: each stream is read again from the next sequence, so nothing is lost or repeated.
/// </summary>
public sealed class WatchCursor
{
    private readonly Dictionary<string, ulong> _positions;

    private WatchCursor(Dictionary<string, ulong> positions) => _positions = positions;

    public IReadOnlyDictionary<string, ulong> Positions => _positions;

    /// <summary>Parses a cursor Watch made for exactly these streams; INVALID_ARGUMENT on the field otherwise.</summary>
    public static WatchCursor Parse(string text, IReadOnlyList<string> streams, string field)
    {
        var positions = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !streams.Contains(part[..colon], StringComparer.Ordinal)
                || !ulong.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                || !positions.TryAdd(part[..colon], sequence))
            {
                throw Invalid(field, streams);
            }
        }

        return positions.Count == streams.Count ? new WatchCursor(positions) : throw Invalid(field, streams);
    }

    /// <summary>A cursor at the given last sequences (from now on: each stream's last stored sequence).</summary>
    public static WatchCursor At(IReadOnlyDictionary<string, ulong> positions) => new(new Dictionary<string, ulong>(positions, StringComparer.Ordinal));

    /// <summary>Moves past <paramref name="sequence"/> of <paramref name="stream"/>; false for a sequence already passed.</summary>
    public bool Advance(string stream, ulong sequence)
    {
        if (!_positions.TryGetValue(stream, out var last) || sequence <= last)
        {
            return false;
        }

        _positions[stream] = sequence;
        return true;
    }

    public override string ToString() => string.Join(',', _positions.Select(p => $"{p.Key}:{p.Value.ToString(CultureInfo.InvariantCulture)}"));

    private static ServiceException Invalid(string field, IReadOnlyList<string> streams) =>
        ServiceException.InvalidArgument(field, $"must be a cursor from an earlier event: {string.Join(",", streams.Select(s => s + ":<sequence>"))}");
}

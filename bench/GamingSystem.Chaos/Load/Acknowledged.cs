using System.Collections.Concurrent;

namespace GamingSystem.Chaos.Load;

/// <summary>
/// What the system acknowledged (a 2xx the client received), and what it was asked that stayed unanswered: the
/// record the invariants compare the system's final state with.
/// </summary>
internal sealed class Acknowledged
{
    public ConcurrentDictionary<string, StateKey> StateKeys { get; } = new();

    /// <summary>Reads that returned an older version than one acknowledged before the read began, or no value at all.</summary>
    public ConcurrentBag<string> StaleReads { get; } = [];

    public ConcurrentBag<AckedTransfer> Transfers { get; } = [];

    public ConcurrentBag<AckedReward> Rewards { get; } = [];

    /// <summary>Idempotent calls the system never answered within their patience: retried once more at the end.</summary>
    public ConcurrentBag<PendingCall> Pending { get; } = [];

    /// <summary>Answers to idempotent calls that are refusals, not faults (e.g. insufficient funds): nothing moved.</summary>
    public ConcurrentBag<string> Refused { get; } = [];

    /// <summary>Acknowledged quest progress the service had forgotten when the quest was completed.</summary>
    public ConcurrentBag<string> LostProgress { get; } = [];

    public ConcurrentBag<StartedWorkflow> Workflows { get; } = [];

    /// <summary>How many attempts each idempotent call needed before it was answered (1 = first try).</summary>
    public ConcurrentBag<int> Attempts { get; } = [];
}

/// <summary>A state key one worker alone writes, with its acknowledged versions and the writes left unanswered.</summary>
internal sealed class StateKey(string key)
{
    private readonly Lock _lock = new();
    private readonly List<(long Version, string Value)> _acknowledged = [];
    private readonly HashSet<string> _unansweredSinceLast = [];

    public string Key => key;

    public (long Version, string Value)? Last
    {
        get
        {
            lock (_lock)
            {
                return _acknowledged.Count == 0 ? null : _acknowledged[^1];
            }
        }
    }

    public int AcknowledgedCount
    {
        get
        {
            lock (_lock)
            {
                return _acknowledged.Count;
            }
        }
    }

    /// <summary>Values written without an answer since the last acknowledged write: any of them may have landed.</summary>
    public IReadOnlyCollection<string> UnansweredSinceLast
    {
        get
        {
            lock (_lock)
            {
                return [.. _unansweredSinceLast];
            }
        }
    }

    /// <summary>Whether the versions acknowledged so far only ever grew.</summary>
    public bool Monotonic
    {
        get
        {
            lock (_lock)
            {
                return _acknowledged.Zip(_acknowledged.Skip(1)).All(pair => pair.Second.Version > pair.First.Version);
            }
        }
    }

    public void Acknowledge(long version, string value)
    {
        lock (_lock)
        {
            _acknowledged.Add((version, value));
            _unansweredSinceLast.Clear();
        }
    }

    public void Unanswered(string value)
    {
        lock (_lock)
        {
            _unansweredSinceLast.Add(value);
        }
    }
}

internal sealed record AckedTransfer(string Key, string PayerId, string PayeeId, long Amount, string TransactionId);

internal sealed record AckedReward(string QuestId, string PlayerId, long Amount, string TransactionId);

/// <summary>An idempotent call to repeat at the end, with what to record once it is answered.</summary>
internal sealed record PendingCall(string Operation, HttpMethod Method, string Path, string Json, Player Player, Action<Reply> OnAnswer);

internal sealed record StartedWorkflow(string Id, Player Player, DateTimeOffset StartedAt, string Cause);

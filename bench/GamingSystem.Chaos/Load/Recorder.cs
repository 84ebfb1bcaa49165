using System.Collections.Concurrent;

namespace GamingSystem.Chaos.Load;

/// <summary>One request through the gateway: when it started, what it was, how it ended and how long it took.</summary>
internal sealed record Outcome(DateTimeOffset At, string Operation, int Status, TimeSpan Latency, string? Error)
{
    public bool Failed => IsFault(Status);

    /// <summary>
    /// A fault of the system: no answer (status 0: refused, reset, timed out), a 5xx, a throttle, or a session the
    /// system forgot. Other 4xx are answers to the request (a CAS conflict, insufficient funds), not faults.
    /// </summary>
    public static bool IsFault(int status) => status is 0 or >= 500 or 401 or 429;
}

/// <summary>Every outcome of the run, kept in memory (a ten-minute run is a few hundred thousand small records).</summary>
internal sealed class Recorder(TimeProvider time)
{
    private readonly ConcurrentQueue<Outcome> _outcomes = new();

    public TimeProvider Time => time;

    public void Add(Outcome outcome) => _outcomes.Enqueue(outcome);

    public IReadOnlyList<Outcome> All => [.. _outcomes];

    public IReadOnlyList<Outcome> Between(DateTimeOffset from, DateTimeOffset to) => [.. _outcomes.Where(o => o.At >= from && o.At < to)];

    /// <summary>Whether no request that started in the last <paramref name="span"/> failed, and some did start.</summary>
    public bool QuietFor(TimeSpan span)
    {
        var recent = Between(time.GetUtcNow() - span, DateTimeOffset.MaxValue);
        return recent.Count > 0 && !recent.Any(o => o.Failed);
    }

    public static TimeSpan Percentile(IEnumerable<Outcome> outcomes, double percentile)
    {
        var sorted = outcomes.Select(o => o.Latency).Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Exponential backoff for a child that keeps crashing: 1 s, 2 s, 4 s… up to a cap, starting
/// over once a run stayed healthy long enough to count as recovered.
/// </summary>
internal sealed class RestartPolicy(TimeSpan initialDelay, TimeSpan maxDelay, TimeSpan stableAfter)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <summary>Delay before restart number <paramref name="attempt"/> (0-based) of a crash streak.</summary>
    public TimeSpan GetDelay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);

        // Past 2^20 the product overflows long before it matters; the cap applies anyway.
        var factor = 1L << Math.Min(attempt, 20);
        var delay = TimeSpan.FromTicks(Math.Min(initialDelay.Ticks * factor, maxDelay.Ticks));
        return delay;
    }

    /// <summary>Whether a run that was healthy for <paramref name="healthyFor"/> ends a crash streak.</summary>
    public bool EndsCrashStreak(TimeSpan healthyFor) => healthyFor >= stableAfter;
}

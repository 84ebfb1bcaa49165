using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// A genuinely asynchronous wait of about one millisecond, completed the way an I/O completion is: one dedicated
/// thread sleeps on the kernel's high-resolution clock (<c>clock_nanosleep</c>, absolute CLOCK_MONOTONIC) until
/// the oldest wait is due, then completes every due wait, whose continuations run on the thread pool.
/// <see cref="Task.Delay(TimeSpan)"/> cannot stand in for a 1 ms Redis call here: .NET's timers count with the
/// coarse clock, which steps every 4 ms on this kernel, so a "1 ms" delay lasts about 4 ms.
/// Every wait has the same duration, so waits fall due in the order they start and a queue is enough.
/// </summary>
internal sealed class PreciseWait : IDisposable
{
    public static PreciseWait OneMillisecond { get; } = new(TimeSpan.FromMilliseconds(1));

    private readonly long _durationTicks;
    private readonly Queue<(long Due, TaskCompletionSource Done)> _waits = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _pending = new(0);
    private readonly Thread _thread;
    private long _count;
    private long _totalTicks;
    private volatile bool _stopped;

    private PreciseWait(TimeSpan duration)
    {
        Duration = duration;
        _durationTicks = (long)(duration.TotalSeconds * Stopwatch.Frequency);
        _thread = new Thread(Run) { IsBackground = true, Name = "precise-wait" };
        _thread.Start();
    }

    public TimeSpan Duration { get; }

    /// <summary>Waits completed since the last <see cref="ResetStatistics"/>, and how long they really lasted on average.</summary>
    public (long Count, TimeSpan Mean) Statistics
    {
        get
        {
            var count = Interlocked.Read(ref _count);
            return (count, count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _totalTicks) / count));
        }
    }

    public void ResetStatistics()
    {
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _totalTicks, 0);
    }

    /// <summary>Completes about <see cref="Duration"/> from now; the duration recorded is what the awaiting code sees.</summary>
    public async Task WaitAsync()
    {
        var started = Stopwatch.GetTimestamp();
        // Continuations go to the thread pool, as a socket's completion would, never onto the timer thread.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool wasEmpty;
        lock (_lock)
        {
            wasEmpty = _waits.Count == 0;
            _waits.Enqueue((started + _durationTicks, done));
        }

        if (wasEmpty)
        {
            _pending.Release();
        }

        await done.Task.ConfigureAwait(false);
        Interlocked.Add(ref _totalTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Increment(ref _count);
    }

    public void Dispose()
    {
        _stopped = true;
        _pending.Release();
    }

    private void Run()
    {
        var due = new List<TaskCompletionSource>();
        while (!_stopped)
        {
            long next;
            lock (_lock)
            {
                var now = Stopwatch.GetTimestamp();
                while (_waits.TryPeek(out var head) && head.Due <= now)
                {
                    due.Add(_waits.Dequeue().Done);
                }

                next = _waits.TryPeek(out var first) ? first.Due : 0;
            }

            foreach (var done in due)
            {
                done.TrySetResult();
            }

            due.Clear();
            if (next == 0)
            {
                // Nothing queued: sleep until a wait arrives (a wake-up may be stale; the loop re-checks).
                _pending.Wait();
            }
            else
            {
                SleepUntil(next);
            }
        }
    }

    private static void SleepUntil(long timestamp)
    {
        // Stopwatch on Linux is CLOCK_MONOTONIC in nanoseconds, the clock clock_nanosleep takes as absolute.
        var nanoseconds = (long)(timestamp * (1_000_000_000.0 / Stopwatch.Frequency));
        var until = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = ClockNanosleep(ClockMonotonic, TimerAbsolute, in until, IntPtr.Zero);
    }

    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, in Timespec request, IntPtr remain);
}

using System.Diagnostics;
using HdrHistogram;

namespace GamingSystem.Benchmarks.Load;

/// <summary>
/// Closed-loop load: each caller sends one request, waits for its reply, records the latency and sends the
/// next, until the time is up. Throughput is then what the system sustains at that many requests in flight.
/// </summary>
internal static class LoadRunner
{
    // Latencies are recorded in Stopwatch ticks; a minute is far above anything a healthy run sees.
    private static readonly long HighestTrackable = Stopwatch.Frequency * 60;

    public static async Task<Measurement> RunAsync(string name, int callers, TimeSpan duration, Func<ValueTask> call) =>
        (await SampleAsync(callers, duration, call).ConfigureAwait(false)).ToMeasurement(name, callers);

    /// <summary>One bounded stretch of load, with this process's CPU over exactly that stretch.</summary>
    public static async Task<LoadSample> SampleAsync(int callers, TimeSpan duration, Func<ValueTask> call)
    {
        var workers = new Caller[callers];
        for (var i = 0; i < callers; i++)
        {
            workers[i] = new Caller(call);
        }

        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        // Task.Run so the callers start on the thread pool together, not one after another on this thread.
        await Task.WhenAll(workers.Select(worker => Task.Run(() => worker.RunAsync(stopAt)))).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;

        var latencies = new LongHistogram(HighestTrackable, 3);
        foreach (var worker in workers)
        {
            latencies.Add(worker.Latencies);
        }

        return new LoadSample(
            latencies,
            workers.Sum(w => w.Errors),
            elapsed,
            cpu,
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null));
    }

    /// <summary>One caller with its own histogram, so recording needs no lock; they are merged at the end.</summary>
    private sealed class Caller(Func<ValueTask> call)
    {
        public LongHistogram Latencies { get; } = new(HighestTrackable, 3);

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(long stopAt)
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    await call().ConfigureAwait(false);
                    Latencies.RecordValue(Stopwatch.GetTimestamp() - sent);
                }
                catch (Exception ex)
                {
                    // A failed call is reported, not timed: its latency would say nothing about the path under test.
                    Errors++;
                    FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                }
            }
        }
    }
}

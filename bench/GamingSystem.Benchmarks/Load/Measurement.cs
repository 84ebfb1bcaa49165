using System.Diagnostics;
using HdrHistogram;

namespace GamingSystem.Benchmarks.Load;

/// <summary>One case at one level of concurrency: one bounded run, or the sum of several interleaved slices.</summary>
internal sealed record Measurement(
    string Case,
    int Callers,
    long Requests,
    long Errors,
    TimeSpan Elapsed,
    double P50Microseconds,
    double P99Microseconds,
    TimeSpan ProcessorTime,
    string? FirstError)
{
    public double Throughput => Requests / Elapsed.TotalSeconds;

    /// <summary>How long the slow handler's "1 ms" wait really lasted on average during this measurement, if it ran.</summary>
    public double? WaitMicroseconds { get; init; }

    /// <summary>
    /// CPU this process (caller and responder, not nats-server) spent per request. On a busy machine throughput
    /// drops with the CPU others take; CPU per request does not, so it is the steadier number to compare.
    /// </summary>
    public double CpuMicrosecondsPerRequest => Requests == 0 ? 0 : ProcessorTime.TotalMicroseconds / Requests;

    /// <summary>
    /// When the case was measured in slices interleaved with another case's (see <c>BenchmarkSuite</c>), each
    /// slice on its own, in the order it ran; the totals above are their sum. Empty for a case measured in one block.
    /// </summary>
    public IReadOnlyList<Slice> Slices { get; init; } = [];
}

/// <summary>One slice of an interleaved measurement.</summary>
internal sealed record Slice(double Throughput, double P50Microseconds, double CpuMicrosecondsPerRequest);

/// <summary>
/// What one bounded stretch of load produced, before it is summarised: requests, time, CPU and the full latency
/// histogram, so that stretches of the same case add up exactly (percentiles from merged histograms, not averaged).
/// </summary>
internal sealed class LoadSample(LongHistogram latencies, long errors, TimeSpan elapsed, TimeSpan processorTime, string? firstError)
{
    public LongHistogram Latencies { get; } = latencies;

    public long Errors { get; private set; } = errors;

    public TimeSpan Elapsed { get; private set; } = elapsed;

    public TimeSpan ProcessorTime { get; private set; } = processorTime;

    public string? FirstError { get; private set; } = firstError;

    public long Requests => Latencies.TotalCount;

    public static LoadSample Sum(IReadOnlyList<LoadSample> samples)
    {
        var total = new LoadSample(new LongHistogram(samples[0].Latencies.HighestTrackableValue, samples[0].Latencies.NumberOfSignificantValueDigits), 0, TimeSpan.Zero, TimeSpan.Zero, null);
        foreach (var sample in samples)
        {
            total.Latencies.Add(sample.Latencies);
            total.Errors += sample.Errors;
            total.Elapsed += sample.Elapsed;
            total.ProcessorTime += sample.ProcessorTime;
            total.FirstError ??= sample.FirstError;
        }

        return total;
    }

    public Measurement ToMeasurement(string name, int callers) =>
        new(
            name,
            callers,
            Requests,
            Errors,
            Elapsed,
            P50Microseconds,
            ToMicroseconds(Latencies.GetValueAtPercentile(99)),
            ProcessorTime,
            FirstError);

    public Slice ToSlice() =>
        new(Requests / Elapsed.TotalSeconds, P50Microseconds, Requests == 0 ? 0 : ProcessorTime.TotalMicroseconds / Requests);

    private double P50Microseconds => ToMicroseconds(Latencies.GetValueAtPercentile(50));

    private static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

namespace GamingSystem.Benchmarks.Load;

/// <summary>One bounded run of one case at one level of concurrency.</summary>
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
}

using GamingSystem.Benchmarks.Load;
using GamingSystem.Benchmarks.Scenarios;

namespace GamingSystem.Benchmarks;

/// <summary>The cases of one run, in order, each on a fresh responder and caller so no case warms another.</summary>
internal sealed class BenchmarkSuite(BenchOptions options, string natsUrl, TextWriter progress)
{
    public async Task<IReadOnlyList<Measurement>> RunAsync(CancellationToken cancellationToken)
    {
        var payload = new byte[options.PayloadBytes];
        Random.Shared.NextBytes(payload);

        var results = new List<Measurement>();
        foreach (var benchCase in Cases(payload).Where(c => options.Filter is null || c.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)))
        {
            await using var scenario = benchCase.Create();
            await scenario.StartAsync(cancellationToken).ConfigureAwait(false);
            // JIT, tiered compilation, pools and connections settle under the heaviest load before anything counts.
            await LoadRunner.RunAsync(benchCase.Name, options.Callers, options.Warmup, scenario.CallAsync).ConfigureAwait(false);

            foreach (var callers in benchCase.Callers)
            {
                results.Add(await MeasureAsync(benchCase.Name, callers, scenario).ConfigureAwait(false));
            }
        }

        return results;
    }

    private IEnumerable<BenchCase> Cases(byte[] payload)
    {
        var wire = BenchContract.EncodedRequest(payload);
        yield return Nats(CaseNames.RawNats, () => new RawResponder(natsUrl, BenchContract.EchoSubject), () => new RawCaller(natsUrl, BenchContract.EchoSubject, wire, deadlineHeader: false));
        yield return Nats(CaseNames.Sdk, () => new SdkResponder(natsUrl), () => new SdkCaller(natsUrl, BenchContract.Echo, payload));
        yield return new(CaseNames.HttpJson, () => new HttpJsonScenario(payload, options.Callers), [1, options.Callers]);
        yield return Nats(CaseNames.SdkSlowHandler, () => new SdkResponder(natsUrl), () => new SdkCaller(natsUrl, BenchContract.EchoSlow, payload), sequential: false);

        if (options.Breakdown)
        {
            // Each half of the SDK against a raw other half, to say which half costs what.
            yield return Nats(CaseNames.HeaderOnly, () => new RawResponder(natsUrl, BenchContract.EchoSubject), () => new RawCaller(natsUrl, BenchContract.EchoSubject, wire, deadlineHeader: true));
            yield return Nats(CaseNames.TimeoutToken, () => new RawResponder(natsUrl, BenchContract.EchoSubject), () => new RawCaller(natsUrl, BenchContract.EchoSubject, wire, deadlineHeader: true, timeoutToken: true));
            yield return Nats(CaseNames.MicroEndpoint, () => new MicroResponder(natsUrl), () => new RawCaller(natsUrl, BenchContract.EchoSubject, wire, deadlineHeader: false));
            yield return Nats(CaseNames.SdkServiceOnly, () => new SdkResponder(natsUrl), () => new RawCaller(natsUrl, BenchContract.EchoSubject, wire, deadlineHeader: true));
            yield return Nats(CaseNames.SdkClientOnly, () => new RawResponder(natsUrl, BenchContract.EchoSubject), () => new SdkCaller(natsUrl, BenchContract.Echo, payload));

            // The same for the 1 ms handler: what a bare concurrent responder achieves, and the SDK's service alone.
            yield return Nats(CaseNames.SlowRawOnly, () => new RawResponder(natsUrl, BenchContract.EchoSlowSubject, slowHandler: true), () => new RawCaller(natsUrl, BenchContract.EchoSlowSubject, wire, deadlineHeader: false), sequential: false);
            yield return Nats(CaseNames.SlowSdkServiceOnly, () => new SdkResponder(natsUrl), () => new RawCaller(natsUrl, BenchContract.EchoSlowSubject, wire, deadlineHeader: true), sequential: false);
            yield return Nats(CaseNames.SlowSdkClientOnly, () => new RawResponder(natsUrl, BenchContract.EchoSlowSubject, slowHandler: true), () => new SdkCaller(natsUrl, BenchContract.EchoSlow, payload), sequential: false);
            // With 64 callers, throughput is at most 64 / (wait + the rest of the round trip) (Little's law); twice
            // the callers shows whether the SDK itself would go further.
            yield return new(
                CaseNames.SlowSdkMoreCallers,
                () => new NatsScenario(new SdkResponder(natsUrl), new SdkCaller(natsUrl, BenchContract.EchoSlow, payload)),
                [options.Callers * 2]);

            // Calibrations without a network: what the slow handler's wait lasts (and what Task.Delay(1 ms) would
            // have lasted), and Polly's share of a call.
            yield return new(CaseNames.PreciseWaitProbe, () => new PreciseWaitProbe(), [1, options.Callers]);
            yield return new(CaseNames.DelayProbe, () => new DelayProbe(TimeSpan.FromMilliseconds(1)), [1]);
            yield return new(CaseNames.ResilienceProbe, () => new ResilienceProbe(), [1, options.Callers]);
        }
    }

    private BenchCase Nats(string name, Func<IResponder> responder, Func<ICaller> caller, bool sequential = true) =>
        new(name, () => new NatsScenario(responder(), caller()), sequential ? [1, options.Callers] : [options.Callers]);

    private async Task<Measurement> MeasureAsync(string name, int callers, IScenario scenario)
    {
        PreciseWait.OneMillisecond.ResetStatistics();
        var measurement = await LoadRunner.RunAsync(name, callers, options.Duration, scenario.CallAsync).ConfigureAwait(false);
        if (PreciseWait.OneMillisecond.Statistics is { Count: > 0 } waits)
        {
            measurement = measurement with { WaitMicroseconds = waits.Mean.TotalMicroseconds };
        }

        await progress.WriteLineAsync(
            $"  {name}, {callers} caller(s): {measurement.Throughput:N0} req/s, p50 {measurement.P50Microseconds:N0} µs, p99 {measurement.P99Microseconds:N0} µs, CPU {measurement.CpuMicrosecondsPerRequest:N1} µs/req" +
            (measurement.WaitMicroseconds is { } wait ? $", 1 ms wait lasted {wait:N0} µs" : string.Empty) +
            (measurement.Errors > 0 ? $", {measurement.Errors} errors (first: {measurement.FirstError})" : string.Empty)).ConfigureAwait(false);
        return measurement;
    }

    private sealed record BenchCase(string Name, Func<IScenario> Create, IReadOnlyList<int> Callers);
}

/// <summary>Case names, shared by the suite and the report's target checks.</summary>
internal static class CaseNames
{
    public const string RawNats = "raw NATS.Net";
    public const string Sdk = "SDK";
    public const string HttpJson = "HTTP/JSON (Kestrel)";
    public const string SdkSlowHandler = "SDK, 1 ms handler";
    public const string HeaderOnly = "breakdown: raw + deadline header -> raw";
    public const string TimeoutToken = "breakdown: raw + header + timeout token -> raw";
    public const string MicroEndpoint = "breakdown: raw -> NATS micro endpoint";
    public const string SdkServiceOnly = "breakdown: raw + header -> SDK service";
    public const string SdkClientOnly = "breakdown: SDK client -> raw";
    public const string SlowRawOnly = "breakdown: raw -> raw, 1 ms handler";
    public const string SlowSdkServiceOnly = "breakdown: raw + header -> SDK service, 1 ms handler";
    public const string SlowSdkClientOnly = "breakdown: SDK client -> raw, 1 ms handler";
    public const string SlowSdkMoreCallers = "breakdown: SDK, 1 ms handler, more callers";
    public const string PreciseWaitProbe = "calibration: the handler's 1 ms wait alone";
    public const string DelayProbe = "calibration: Task.Delay(1 ms) alone";
    public const string ResilienceProbe = "calibration: SDK's Polly pipeline alone";
}

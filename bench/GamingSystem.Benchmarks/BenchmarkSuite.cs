using GamingSystem.Benchmarks.Load;
using GamingSystem.Benchmarks.Scenarios;
using GamingSystem.Benchmarks.V1;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;

namespace GamingSystem.Benchmarks;

/// <summary>
/// The cases of one run, in order, each on a fresh responder and caller so no case warms another. Raw NATS.Net and
/// the SDK, whose ratios are the targets, are measured together: both pairs stay up and are measured in short slices
/// taken in turn (raw, SDK, SDK, raw, raw, SDK, ...), so drift of the shared machine falls on both sides alike.
/// </summary>
internal sealed class BenchmarkSuite(BenchOptions options, string natsUrl, TextWriter progress)
{
    public async Task<IReadOnlyList<Measurement>> RunAsync(CancellationToken cancellationToken)
    {
        var payload = new byte[options.PayloadBytes];
        Random.Shared.NextBytes(payload);

        var results = new List<Measurement>();
        foreach (var group in Groups(payload))
        {
            // --filter picks cases, not groups: a group narrowed to one case is measured in one block, as any other.
            var chosen = group.Where(c => options.Filter is null || c.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)).ToList();
            results.AddRange(chosen.Count switch
            {
                0 => [],
                1 => await RunBlockAsync(chosen[0], cancellationToken).ConfigureAwait(false),
                _ => await RunInterleavedAsync(chosen[0], chosen[1], cancellationToken).ConfigureAwait(false),
            });
        }

        return results;
    }

    private async Task<IReadOnlyList<Measurement>> RunBlockAsync(BenchCase benchCase, CancellationToken cancellationToken)
    {
        await using var scenario = benchCase.Create();
        await scenario.StartAsync(cancellationToken).ConfigureAwait(false);
        // JIT, tiered compilation, pools and connections settle under the heaviest load before anything counts.
        await LoadRunner.RunAsync(benchCase.Name, options.Callers, options.Warmup, scenario.CallAsync).ConfigureAwait(false);

        var results = new List<Measurement>();
        foreach (var callers in benchCase.Callers)
        {
            results.Add(await MeasureAsync(benchCase.Name, callers, scenario).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Two cases measured in alternating slices: both scenarios started and warmed up (each as a block case is),
    /// then, for each level of concurrency, <see cref="BenchOptions.Slices"/> slices per case of
    /// <see cref="BenchOptions.Duration"/> / slices each, in the order A B, B A, A B, ... (each pair reversed from
    /// the last, so a steady trend favours neither). Each case's slices are summed: requests, elapsed time and CPU
    /// add up, latency histograms merge. Measured time per case is the same as a block case's.
    /// </summary>
    private async Task<IReadOnlyList<Measurement>> RunInterleavedAsync(BenchCase a, BenchCase b, CancellationToken cancellationToken)
    {
        if (!a.Callers.SequenceEqual(b.Callers))
        {
            throw new InvalidOperationException($"'{a.Name}' and '{b.Name}' are interleaved, so they need the same levels of concurrency.");
        }

        await using var scenarioA = a.Create();
        await using var scenarioB = b.Create();
        await scenarioA.StartAsync(cancellationToken).ConfigureAwait(false);
        await scenarioB.StartAsync(cancellationToken).ConfigureAwait(false);
        await LoadRunner.RunAsync(a.Name, options.Callers, options.Warmup, scenarioA.CallAsync).ConfigureAwait(false);
        await LoadRunner.RunAsync(b.Name, options.Callers, options.Warmup, scenarioB.CallAsync).ConfigureAwait(false);

        var slice = options.Duration / options.Slices;
        var resultsA = new List<Measurement>();
        var resultsB = new List<Measurement>();
        foreach (var callers in a.Callers)
        {
            var samplesA = new List<LoadSample>();
            var samplesB = new List<LoadSample>();
            for (var i = 0; i < options.Slices; i++)
            {
                var aFirst = i % 2 == 0;
                var first = await LoadRunner.SampleAsync(callers, slice, aFirst ? scenarioA.CallAsync : scenarioB.CallAsync).ConfigureAwait(false);
                var second = await LoadRunner.SampleAsync(callers, slice, aFirst ? scenarioB.CallAsync : scenarioA.CallAsync).ConfigureAwait(false);
                samplesA.Add(aFirst ? first : second);
                samplesB.Add(aFirst ? second : first);
            }

            var measurementA = Interleaved(a.Name, callers, samplesA);
            var measurementB = Interleaved(b.Name, callers, samplesB);
            await ReportAsync(measurementA, $"{options.Slices} slices of {slice.TotalSeconds:0.##} s interleaved with {b.Name}").ConfigureAwait(false);
            await ReportAsync(measurementB, $"{options.Slices} slices of {slice.TotalSeconds:0.##} s interleaved with {a.Name}").ConfigureAwait(false);
            var pairs = measurementA.Slices.Zip(measurementB.Slices).ToList();
            await progress.WriteLineAsync(
                $"    {b.Name} / {a.Name} slice by slice: throughput {string.Join(" ", pairs.Select(p => (p.Second.Throughput / p.First.Throughput).ToString("0.00", Reporting.Formatting.Culture)))}; " +
                $"p50 {string.Join(" ", pairs.Select(p => (p.Second.P50Microseconds / p.First.P50Microseconds).ToString("0.00", Reporting.Formatting.Culture)))}").ConfigureAwait(false);
            resultsA.Add(measurementA);
            resultsB.Add(measurementB);
        }

        return [.. resultsA, .. resultsB];
    }

    private static Measurement Interleaved(string name, int callers, IReadOnlyList<LoadSample> samples) =>
        LoadSample.Sum(samples).ToMeasurement(name, callers) with { Slices = [.. samples.Select(s => s.ToSlice())] };

    /// <summary>The cases in order; a group of two is measured interleaved, a group of one in one block.</summary>
    private IEnumerable<IReadOnlyList<BenchCase>> Groups(byte[] payload)
    {
        var wire = BenchContract.EncodedRequest(payload);
        // Both pairs are up at once, so raw must not answer on the SDK's subject (svc.bench.v1.echo) in the same
        // queue group: it gets its own subject of the same length, so the bytes on the wire stay the same size.
        var rawSubject = RawSubject;
        yield return
        [
            Nats(CaseNames.RawNats, () => new RawResponder(natsUrl, rawSubject), () => new RawCaller(natsUrl, rawSubject, wire, deadlineHeader: false)),
            Nats(CaseNames.Sdk, () => new SdkResponder(natsUrl), () => new SdkCaller(natsUrl, BenchContract.Echo, payload)),
        ];

        // Acknowledged JetStream publishes of the same event, raw and through the SDK, interleaved as above.
        yield return
        [
            new(CaseNames.RawEvents, () => new RawJetStreamPublish(natsUrl, payload), [1, options.Callers]),
            new(CaseNames.SdkEvents, () => new SdkEventPublish(natsUrl, payload, traced: false), [1, options.Callers]),
        ];
        yield return [new(CaseNames.SdkEventsTraced, () => new SdkEventPublish(natsUrl, payload, traced: true), [options.Callers])];

        // Streams: the same chunks, raw NATS.Net publishing to the reader's inbox vs the SDK's stream protocol. Both
        // untraced: NATS.Net's listener is process-wide, so one traced SDK host would put a span on every raw chunk too.
        var rawStreamSubject = "raw" + BenchContract.StreamSubject[ServiceSubjects.SubjectPrefix.Length..];
        var chunk = new EchoReply { Data = ByteString.CopyFrom(payload) }.ToByteArray();
        var streamRequest = new StreamRequest { Count = options.StreamChunks, Data = ByteString.CopyFrom(payload) }.ToByteArray();
        yield return
        [
            new(
                CaseNames.RawStream,
                () => new NatsScenario(new RawStreamResponder(natsUrl, rawStreamSubject, chunk), new RawStreamCaller(natsUrl, rawStreamSubject, streamRequest, options.StreamChunks)),
                StreamCallers),
            new(
                CaseNames.SdkStream,
                () => new NatsScenario(new SdkResponder(natsUrl, traced: false), new SdkStreamCaller(natsUrl, options.StreamChunks, payload)),
                StreamCallers),
        ];

        if (options.Durability)
        {
            // What the durability the system runs with costs, each against the alternative, interleaved.
            yield return
            [
                new(CaseNames.JetStreamFile, () => new JetStreamStorePublish(natsUrl, NATS.Client.JetStream.Models.StreamConfigStorage.File, payload), [1, options.Callers]),
                new(CaseNames.JetStreamMemory, () => new JetStreamStorePublish(natsUrl, NATS.Client.JetStream.Models.StreamConfigStorage.Memory, payload), [1, options.Callers]),
            ];
            yield return [RedisCase(CaseNames.RedisEverySecond, payload), RedisCase(CaseNames.RedisAlways, payload)];
            yield return [RedisCase(CaseNames.RedisEverySecond, payload), RedisCase(CaseNames.RedisNoAof, payload)];
        }

        foreach (var benchCase in Cases(payload))
        {
            yield return [benchCase];
        }
    }

    /// <summary>redis-server's persistence for each Redis case; the AppHost runs the first.</summary>
    private static readonly Dictionary<string, string[]> RedisPersistence = new()
    {
        [CaseNames.RedisEverySecond] = ["--appendonly", "yes", "--appendfsync", "everysec"],
        [CaseNames.RedisAlways] = ["--appendonly", "yes", "--appendfsync", "always"],
        [CaseNames.RedisNoAof] = ["--appendonly", "no"],
    };

    private BenchCase RedisCase(string name, byte[] payload) =>
        new(name, () => new RedisPersistenceWrite(options.RedisServerPath, RedisPersistence[name], payload), [1, options.Callers]);

    /// <summary>One reader, and a few at once: each stream already keeps its caller and service busy.</summary>
    public static IReadOnlyList<int> StreamCallers { get; } = [1, 8];

    /// <summary><c>svc.bench.v1.echo</c> with another first segment: same length, outside the SDK's <c>svc.&gt;</c> subjects.</summary>
    private static string RawSubject { get; } = "raw" + BenchContract.EchoSubject[ServiceSubjects.SubjectPrefix.Length..];

    private IEnumerable<BenchCase> Cases(byte[] payload)
    {
        var wire = BenchContract.EncodedRequest(payload);
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

        await ReportAsync(measurement, how: null).ConfigureAwait(false);
        return measurement;
    }

    private Task ReportAsync(Measurement measurement, string? how) =>
        progress.WriteLineAsync(
            $"  {measurement.Case}, {measurement.Callers} caller(s): {measurement.Throughput:N0} req/s, p50 {measurement.P50Microseconds:N0} µs, p99 {measurement.P99Microseconds:N0} µs, CPU {measurement.CpuMicrosecondsPerRequest:N1} µs/req" +
            (measurement.WaitMicroseconds is { } wait ? $", 1 ms wait lasted {wait:N0} µs" : string.Empty) +
            (measurement.Errors > 0 ? $", {measurement.Errors} errors (first: {measurement.FirstError})" : string.Empty) +
            (how is null ? string.Empty : $" ({how}; slice req/s {measurement.Slices.Min(s => s.Throughput):N0}-{measurement.Slices.Max(s => s.Throughput):N0})"));

    private sealed record BenchCase(string Name, Func<IScenario> Create, IReadOnlyList<int> Callers);
}

/// <summary>Case names, shared by the suite and the report's target checks.</summary>
internal static class CaseNames
{
    public const string RawNats = "raw NATS.Net";
    public const string Sdk = "SDK";
    public const string RawEvents = "raw js.PublishAsync";
    public const string SdkEvents = "SDK PublishEventAsync";
    public const string SdkEventsTraced = "SDK PublishEventAsync, NATS.Net traced";
    public const string RawStream = "raw NATS.Net stream (row = streams)";
    public const string SdkStream = "SDK stream (row = streams)";
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
    public const string JetStreamFile = "durability: JetStream publish, file storage (the event streams')";
    public const string JetStreamMemory = "durability: JetStream publish, memory storage";
    public const string RedisEverySecond = "durability: Redis SET, AOF fsync every second (the AppHost's)";
    public const string RedisAlways = "durability: Redis SET, AOF fsync always";
    public const string RedisNoAof = "durability: Redis SET, no AOF";
}

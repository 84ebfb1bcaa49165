using GamingSystem.Benchmarks.Load;

namespace GamingSystem.Benchmarks.Reporting;

/// <summary>One of the numbers the SDK is held to, with its goal.</summary>
internal sealed record Target(string Name, double Value, double Goal, bool AtLeast, string Format)
{
    public bool Met => AtLeast ? Value >= Goal : Value <= Goal;

    public string Verdict => Met ? "PASS" : "FAIL";

    /// <summary>What else the measurement says about this number, e.g. the spread of slice-by-slice ratios.</summary>
    public string? Detail { get; init; }

    public string Describe() =>
        $"{Value.ToString(Format, Formatting.Culture)} (target {(AtLeast ? ">=" : "<=")} {Goal.ToString(Format, Formatting.Culture)}" +
        (Detail is null ? ")" : $"; {Detail})");

    /// <summary>The targets of the messaging SDK, computed from a run's measurements.</summary>
    public static IReadOnlyList<Target> Evaluate(IReadOnlyList<Measurement> results, int callers, int streamChunks)
    {
        Measurement? Find(string name, int n) => results.SingleOrDefault(m => m.Case == name && m.Callers == n);

        var targets = new List<Target>();
        // A run narrowed with --filter may lack a target's inputs; that target is left out, not failed.
        if (Find(CaseNames.Sdk, callers) is { } sdkN && Find(CaseNames.RawNats, callers) is { } rawN)
        {
            targets.Add(new($"SDK / raw throughput, {callers} callers", sdkN.Throughput / rawN.Throughput, 0.85, AtLeast: true, "0.00")
            {
                Detail = Join(
                    SliceRange(rawN, sdkN, s => s.Throughput),
                    $"CPU/req SDK/raw {(sdkN.CpuMicrosecondsPerRequest / rawN.CpuMicrosecondsPerRequest).ToString("0.00", Formatting.Culture)}"),
            });
        }

        if (Find(CaseNames.Sdk, 1) is { } sdk1 && Find(CaseNames.RawNats, 1) is { } raw1)
        {
            targets.Add(new("SDK / raw p50 latency, 1 caller", sdk1.P50Microseconds / raw1.P50Microseconds, 1.25, AtLeast: false, "0.00")
            {
                Detail = SliceRange(raw1, sdk1, s => s.P50Microseconds),
            });
        }

        if (Find(CaseNames.SdkEvents, callers) is { } sdkEvents && Find(CaseNames.RawEvents, callers) is { } rawEvents)
        {
            targets.Add(new($"PublishEventAsync / raw js.PublishAsync acked publishes, {callers} callers", sdkEvents.Throughput / rawEvents.Throughput, 0.85, AtLeast: true, "0.00")
            {
                Detail = SliceRange(rawEvents, sdkEvents, s => s.Throughput),
            });
        }

        if (Find(CaseNames.SdkSlowHandler, callers) is { } slow)
        {
            targets.Add(new($"SDK with a 1 ms handler, {callers} callers, req/s", slow.Throughput, 20_000, AtLeast: true, "N0"));
        }

        foreach (var readers in BenchmarkSuite.StreamCallers)
        {
            if (Find(CaseNames.SdkStream, readers) is { } sdkStream && Find(CaseNames.RawStream, readers) is { } rawStream)
            {
                // Both rows count streams of the same length, so their ratio is the ratio of chunks per second.
                targets.Add(new($"SDK / raw stream chunks/s, {readers} reader(s)", sdkStream.Throughput / rawStream.Throughput, 0.80, AtLeast: true, "0.00")
                {
                    Detail = Join(
                        $"raw {(rawStream.Throughput * streamChunks).ToString("N0", Formatting.Culture)} chunks/s, SDK {(sdkStream.Throughput * streamChunks).ToString("N0", Formatting.Culture)} chunks/s",
                        SliceRange(rawStream, sdkStream, s => s.Throughput)),
                });
            }
        }

        return targets;
    }

    /// <summary>For cases measured interleaved: the lowest and highest ratio of one slice pair, to show the spread.</summary>
    private static string? SliceRange(Measurement raw, Measurement sdk, Func<Slice, double> value)
    {
        if (raw.Slices.Count == 0 || raw.Slices.Count != sdk.Slices.Count)
        {
            return null;
        }

        var ratios = sdk.Slices.Zip(raw.Slices, (s, r) => value(s) / value(r)).ToList();
        return $"slice pairs {ratios.Min().ToString("0.00", Formatting.Culture)}-{ratios.Max().ToString("0.00", Formatting.Culture)}";
    }

    private static string? Join(params string?[] parts) =>
        parts.Any(p => p is not null) ? string.Join("; ", parts.Where(p => p is not null)) : null;
}

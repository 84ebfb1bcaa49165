using GamingSystem.Contracts.PerformanceMode.V1;

namespace GamingSystem.PerformanceMode.Mode;

/// <summary>One instance's cumulative counters as its stats reply gave them, summed over its endpoints.</summary>
public sealed record InstanceCounters(string Service, string Instance, long Requests, long Errors, long ServerErrors, long TotalTimeNs);

/// <summary>
/// The services' load over a sliding window, from successive stats samples. The stats are cumulative since each
/// instance started, so the window's figures are differences between an instance's newest sample and its oldest
/// within the window; an instance's first sample is only a baseline. Instances that stop answering are tracked by
/// when they were last heard, and forgotten after <see cref="ModeOptions.ForgetAfter"/>.
/// </summary>
public sealed class LoadWindow(ModeOptions options)
{
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);

    /// <summary>Records one stats round: the replies that came back at <paramref name="now"/>.</summary>
    public void Add(DateTimeOffset now, IEnumerable<InstanceCounters> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (var reply in replies)
        {
            if (!_instances.TryGetValue(reply.Instance, out var instance))
            {
                _instances[reply.Instance] = instance = new Instance(reply.Service);
            }

            instance.Samples.Enqueue((now, reply));
            instance.LastHeard = now;
            // Keep one sample older than the window as the baseline of the window's differences.
            while (instance.Samples.Count > 2 && instance.Samples.ElementAt(1).At <= now - options.Window)
            {
                instance.Samples.Dequeue();
            }
        }

        foreach (var gone in _instances.Where(i => now - i.Value.LastHeard >= options.ForgetAfter).Select(i => i.Key).ToList())
        {
            _instances.Remove(gone);
        }
    }

    /// <summary>Each service's load over the window, by name.</summary>
    public IReadOnlyList<ServiceLoad> Loads(DateTimeOffset now)
    {
        var loads = new List<ServiceLoad>();
        foreach (var service in _instances.Values.GroupBy(i => i.Service).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var load = new ServiceLoad { Service = service.Key };
            long totalTimeNs = 0;
            var longestSilenceMs = 0.0;
            foreach (var instance in service)
            {
                var silence = now - instance.LastHeard;
                if (silence >= options.UnresponsiveAfter)
                {
                    load.UnresponsiveInstances++;
                    longestSilenceMs = Math.Max(longestSilenceMs, silence.TotalMilliseconds);
                }
                else
                {
                    load.Instances++;
                }

                var (first, last) = (instance.Samples.Peek().Counters, instance.Samples.Last().Counters);
                load.Requests += last.Requests - first.Requests;
                load.Errors += last.Errors - first.Errors;
                load.ServerErrors += last.ServerErrors - first.ServerErrors;
                totalTimeNs += last.TotalTimeNs - first.TotalTimeNs;
            }

            var measured = load.Requests > 0 ? totalTimeNs / 1e6 / load.Requests : 0;
            // A request waiting on a silent instance has waited at least as long as the silence.
            load.AverageLatencyMs = Math.Round(Math.Max(measured, longestSilenceMs), 3);
            loads.Add(load);
        }

        return loads;
    }

    private sealed class Instance(string service)
    {
        public string Service { get; } = service;

        public Queue<(DateTimeOffset At, InstanceCounters Counters)> Samples { get; } = new();

        public DateTimeOffset LastHeard { get; set; }
    }
}

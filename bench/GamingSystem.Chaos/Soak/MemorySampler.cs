using GamingSystem.IntegrationTests;

namespace GamingSystem.Chaos.Soak;

/// <summary>One reading of a process: its pid (a new one means it restarted) and its resident set (VmRSS).</summary>
internal sealed record MemoryReading(int Pid, long ResidentBytes);

/// <summary>Resident memory of every process of the system, read from /proc once a minute.</summary>
internal sealed class MemorySampler(BootedSystem system)
{
    /// <summary>Minute -> process -> reading; minute 0 is the start of the load.</summary>
    public SortedDictionary<int, Dictionary<string, MemoryReading>> Readings { get; } = [];

    public IReadOnlyList<string> Processes { get; } = [.. system.Processes, .. system.PrometheusAddress is null ? [] : new[] { ResourceNames.Prometheus }];

    public void Sample(int minute) =>
        Readings[minute] = Processes.ToDictionary(name => name, name =>
        {
            var pid = system.ProcessOf(name);
            return new MemoryReading(pid, LinuxProcesses.IsAlive(pid) ? LinuxProcesses.ResidentBytes(pid) : 0);
        });

    /// <summary>The minute the growth is measured from: 2 (start-up's allocations done), or 1 in a shorter soak.</summary>
    public static int BaselineMinute(int minutes) => minutes >= 3 ? 2 : 1;

    /// <summary>How much a process's resident set changed from the baseline minute to the last one, as a fraction.</summary>
    public double Change(string process, int minutes)
    {
        var first = Readings[BaselineMinute(minutes)][process].ResidentBytes;
        var last = Readings[minutes][process].ResidentBytes;
        return first == 0 ? double.PositiveInfinity : (last - first) / (double)first;
    }

    public bool Restarted(string process) => Readings.Values.Select(r => r[process].Pid).Distinct().Count() > 1;
}

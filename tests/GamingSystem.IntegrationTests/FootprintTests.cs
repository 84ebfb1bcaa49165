using GamingSystem.Contracts;
using Xunit.Abstractions;

namespace GamingSystem.IntegrationTests;

/// <summary>The whole system on a two-core machine: what each service occupies idle (its start-up time is a benchmark, docs/benchmarks.md).</summary>
[Collection(SystemCollection.Name)]
public sealed class FootprintTests(SystemFixture system, ITestOutputHelper output)
{
    /// <summary>The budget per service process (issue #10): 23 of them must fit a developer's machine beside an IDE.</summary>
    private const long IdleBudgetBytes = 120L * 1024 * 1024;

    [Fact]
    public void Every_service_idles_under_120_MB_resident()
    {
        foreach (var (service, bytes) in system.IdleResidentBytes.OrderByDescending(p => p.Value))
        {
            output.WriteLine($"{service}: {bytes / (1024.0 * 1024):F1} MB");
        }

        Assert.Contains(ResourceNames.Gateway, system.IdleResidentBytes.Keys);
        var over = system.IdleResidentBytes.Where(p => p.Value >= IdleBudgetBytes).Select(p => $"{p.Key} {p.Value / (1024.0 * 1024):F1} MB").ToList();
        Assert.True(over.Count == 0, $"over 120 MB resident when idle: {string.Join(", ", over)}");
    }
}

namespace GamingSystem.WorldState;

/// <summary>Seeds the map before the service answers: regions not stored yet are written, changed ones are kept.</summary>
public sealed partial class RegionSeeder(RegionStore store, ILogger<RegionSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seeded = await store.SeedAsync(SeedRegions.All).ConfigureAwait(false);
        if (seeded.Count > 0)
        {
            LogSeeded(seeded.Count, string.Join(", ", seeded));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Seeded {Count} region(s): {Regions}")]
    private partial void LogSeeded(int count, string regions);
}

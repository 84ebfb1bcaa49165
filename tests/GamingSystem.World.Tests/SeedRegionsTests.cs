using GamingSystem.Contracts;
using GamingSystem.WorldState;

namespace GamingSystem.World.Tests;

public sealed class SeedRegionsTests
{
    [Fact]
    public void Every_neighbour_exists_and_neighbours_go_both_ways()
    {
        var byId = SeedRegions.All.ToDictionary(r => r.Id);

        Assert.Equal(SeedRegions.All.Count, byId.Count);
        Assert.Contains(SeedRegions.StartingRegion, byId.Keys);
        Assert.All(SeedRegions.All, region =>
        {
            Assert.True(RegionIds.IsValid(region.Id), region.Id);
            Assert.NotEmpty(region.Neighbours);
            Assert.DoesNotContain(region.Id, region.Neighbours);
            Assert.All(region.Neighbours, n => Assert.Contains(region.Id, byId[n].Neighbours));
            Assert.Equal(1, region.Version);
        });
    }

    [Fact]
    public void Every_region_can_be_reached_from_the_start()
    {
        var byId = SeedRegions.All.ToDictionary(r => r.Id);
        var reached = new HashSet<string> { SeedRegions.StartingRegion };
        var frontier = new Queue<string>(reached);
        while (frontier.TryDequeue(out var id))
        {
            foreach (var next in byId[id].Neighbours.Where(reached.Add))
            {
                frontier.Enqueue(next);
            }
        }

        Assert.Equal(byId.Keys.Order(), reached.Order());
    }
}

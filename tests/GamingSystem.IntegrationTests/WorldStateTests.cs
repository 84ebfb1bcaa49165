using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.WorldState.V1;

namespace GamingSystem.IntegrationTests;

/// <summary>world-state through the gateway: the seeded map, compare-and-set updates by an administrator, and moves.</summary>
[Collection(SystemCollection.Name)]
public sealed class WorldStateTests(SystemFixture system) : IAsyncLifetime
{
    private readonly ContentApi _api = new(system);
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task The_seeded_map_is_listed_page_by_page_with_neighbours_that_go_both_ways()
    {
        var all = new List<Region>();
        var token = "";
        do
        {
            var page = await _api.CallAsync<ListRegionsResponse>(HttpMethod.Get, $"/api/v1/world/regions?pageSize=3&pageToken={token}");
            Assert.InRange(page.Regions.Count, 1, 3);
            all.AddRange(page.Regions);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var towns = await _api.CallAsync<ListRegionsResponse>(HttpMethod.Get, "/api/v1/world/regions?tag=town");
        var saltmoor = await _api.CallAsync<Region>(HttpMethod.Get, "/api/v1/world/regions/saltmoor");

        Assert.True(all.Count >= 10, $"{all.Count} regions");
        Assert.Equal(all.Select(r => r.Id).Order(StringComparer.Ordinal), all.Select(r => r.Id));
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count());
        var byId = all.ToDictionary(r => r.Id);
        Assert.All(all, region => Assert.All(region.Neighbours, n => Assert.Contains(region.Id, byId[n].Neighbours)));
        Assert.Equal(["emberly", "quill", "saltmoor"], towns.Regions.Select(r => r.Id));
        Assert.Equal(("Saltmoor", Climate.Coastal), (saltmoor.Name, saltmoor.Climate));
        Assert.True(saltmoor.Version >= 1);
    }

    [Fact]
    public async Task An_unknown_region_is_404_and_a_malformed_id_or_page_is_400_naming_the_field()
    {
        var unknown = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/world/regions/atlantis");
        var malformed = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/world/regions/Not_A_Region");
        var page = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/world/regions?pageSize=101");

        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (unknown.Status, unknown.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "region_id"), (malformed.Status, malformed.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "page_size"), (page.Status, page.Field));
    }

    [Fact]
    public async Task An_update_with_a_stale_version_is_409_with_the_current_one_and_a_fresh_one_publishes_region_changed()
    {
        var admin = await Sessions.AdminAsync(system);
        var player = (await _api.Http.NewPlayerAsync()).Token;
        var since = DateTimeOffset.UtcNow.AddSeconds(-2);
        var before = await _api.CallAsync<Region>(HttpMethod.Get, "/api/v1/world/regions/glass-waste");
        var danger = before.Danger == 9 ? 8 : 9;

        var updated = await _api.CallAsync<Region>(
            HttpMethod.Patch, $"/api/v1/world/regions/glass-waste?expectedVersion={before.Version}", new Region { Danger = danger, Population = before.Population + 1 }, admin);
        var (status, stale) = await _api.SendAsync(HttpMethod.Patch, $"/api/v1/world/regions/glass-waste?expectedVersion={before.Version}", """{"danger":3}""", admin);
        var forbidden = await _api.ProblemAsync(HttpMethod.Patch, "/api/v1/world/regions/glass-waste", """{"danger":3}""", player);
        var badDanger = await _api.ProblemAsync(HttpMethod.Patch, "/api/v1/world/regions/glass-waste", """{"danger":11}""", admin);
        var badField = await _api.ProblemAsync(HttpMethod.Patch, "/api/v1/world/regions/glass-waste", """{"name":"Glassland"}""", admin);

        Assert.Equal((before.Version + 1, danger, before.Population + 1), (updated.Version, updated.Danger, updated.Population));
        Assert.Equal(before.Name, updated.Name);
        Assert.Equal(HttpStatusCode.Conflict, status);
        var problem = JsonNode.Parse(stale)!;
        Assert.Equal("FAILED_PRECONDITION", problem["code"]!.GetValue<string>());
        Assert.Contains($"version {updated.Version}", problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "region.danger"), (badDanger.Status, badDanger.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "update_mask"), (badField.Status, badField.Field));
        var changed = await ContentApi.UntilAsync(
            async () => WorldApi.Parse(await WorldApi.EventsSinceAsync(_bus, "evt.world.region_changed", since), RegionChanged.Parser)
                .LastOrDefault(e => e.Region.Id == "glass-waste" && e.Region.Version == updated.Version),
            "evt.world.region_changed of the update");
        Assert.Equal(["danger", "population"], changed.ChangedFields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_player_starts_in_emberly_moves_to_neighbours_only_and_each_move_publishes_player_moved_once()
    {
        var player = await _api.Http.NewPlayerAsync();
        var since = DateTimeOffset.UtcNow.AddSeconds(-2);

        var start = await _api.CallAsync<PlayerLocation>(HttpMethod.Get, "/api/v1/world/location", token: player.Token);
        var moved = await _api.CallAsync<PlayerLocation>(HttpMethod.Put, "/api/v1/world/location", new MovePlayerRequest { RegionId = "saltmoor" }, player.Token);
        var again = await _api.CallAsync<PlayerLocation>(HttpMethod.Put, "/api/v1/world/location", new MovePlayerRequest { RegionId = "saltmoor" }, player.Token);
        var tooFar = await _api.ProblemAsync(HttpMethod.Put, "/api/v1/world/location", """{"regionId":"greywatch"}""", player.Token);
        var nowhere = await _api.ProblemAsync(HttpMethod.Put, "/api/v1/world/location", """{"regionId":"atlantis"}""", player.Token);
        var anonymous = await _api.ProblemAsync(HttpMethod.Get, "/api/v1/world/location");
        var onward = await _api.CallAsync<PlayerLocation>(HttpMethod.Put, "/api/v1/world/location", new MovePlayerRequest { RegionId = "sel-delta" }, player.Token);
        var now = await _api.CallAsync<PlayerLocation>(HttpMethod.Get, "/api/v1/world/location", token: player.Token);

        Assert.Equal((player.PlayerId, "emberly"), (start.PlayerId, start.RegionId));
        Assert.Equal("saltmoor", moved.RegionId);
        Assert.Equal(moved, again);
        Assert.Equal((HttpStatusCode.Conflict, "FAILED_PRECONDITION"), (tooFar.Status, tooFar.Code));
        Assert.Equal(HttpStatusCode.NotFound, nowhere.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(onward, now);
        var moves = await ContentApi.UntilAsync(
            async () => WorldApi.Parse(await WorldApi.EventsSinceAsync(_bus, "evt.world.player_moved", since), PlayerMoved.Parser)
                .Where(e => e.PlayerId == player.PlayerId).ToList() is { Count: 2 } found ? found : null,
            "two evt.world.player_moved of the player");
        Assert.Equal([("", "saltmoor"), ("saltmoor", "sel-delta")], moves.Select(m => (m.FromRegionId, m.ToRegionId)));
    }
}

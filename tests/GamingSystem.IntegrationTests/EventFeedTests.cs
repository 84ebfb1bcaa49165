using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using GamingSystem.Contracts.WeatherManager.V1;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The live feed a game client keeps open: <c>GET /api/v1/events/stream</c> as Server-Sent Events, the caller's own
/// events from JetStream as they happen, heartbeats, resuming with Last-Event-ID, and its end at logout.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EventFeedTests(SystemFixture system)
{
    private const string Path = "/api/v1/events/stream";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task The_feed_delivers_the_callers_own_events_as_they_happen_and_nobody_elses()
    {
        var (alice, aliceId) = await _api.NewPlayerAsync();
        var (bob, bobId) = await _api.NewPlayerAsync();
        await using var feed = await Feed.OpenAsync(system.Gateway, alice);

        await SetVolumeAsync(bob, 11);
        await SetVolumeAsync(alice, 33);

        var (item, seen) = await feed.NextEventAsync();
        Assert.Equal("evt.settings.changed", item["event"]!["subject"]!.GetValue<string>());
        Assert.Equal("gaming.settings.v1.SettingsChanged", item["event"]!["type"]!.GetValue<string>());
        Assert.Equal(aliceId, item["event"]!["data"]!["playerId"]!.GetValue<string>());
        Assert.Equal(33, item["event"]!["data"]!["settings"]!["masterVolume"]!.GetValue<int>());
        Assert.All(seen, other => Assert.DoesNotContain(bobId, other.Data));
    }

    [Fact]
    public async Task A_client_that_reconnects_with_last_event_id_gets_every_event_published_meanwhile_exactly_once()
    {
        var (token, _) = await _api.NewPlayerAsync();
        string resumeFrom;
        await using (var first = await Feed.OpenAsync(system.Gateway, token))
        {
            await SetVolumeAsync(token, 10);
            var (item, _) = await first.NextEventAsync();
            Assert.Equal(10, Volume(item));
            resumeFrom = first.LastEventId!;
        }

        foreach (var volume in new[] { 20, 30, 40 })
        {
            await SetVolumeAsync(token, volume);
        }

        await using var second = await Feed.OpenAsync(system.Gateway, token, resumeFrom);
        var missed = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add(Volume((await second.NextEventAsync()).Item));
        }

        await SetVolumeAsync(token, 50);
        Assert.Equal([20, 30, 40], missed);
        Assert.Equal(50, Volume((await second.NextEventAsync()).Item));
    }

    [Fact]
    public async Task An_idle_feed_gets_heartbeats_that_carry_the_cursor()
    {
        var (token, _) = await _api.NewPlayerAsync();
        await using var feed = await Feed.OpenAsync(system.Gateway, token);

        var item = await feed.NextAsync();

        Assert.Equal("message", item.EventType);
        Assert.NotNull(JsonNode.Parse(item.Data)!["heartbeat"]);
        Assert.Matches(@"\APLAYER:\d+,ECONOMY:\d+,WORLD:\d+\z", item.EventId);
    }

    [Fact]
    public async Task Logout_ends_the_feed()
    {
        var (token, _) = await _api.NewPlayerAsync();
        await using var feed = await Feed.OpenAsync(system.Gateway, token);

        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", "{}", token: token)).Status);

        SseItem<string> item;
        do
        {
            item = await feed.NextAsync();
        }
        while (item.EventType == "message");

        Assert.Equal("end", item.EventType);
        Assert.Contains("session ended", item.Data, StringComparison.Ordinal);
        Assert.False(await feed.MoreAsync());
    }

    [Fact]
    public async Task A_cursor_the_feed_did_not_make_is_400_naming_it_and_without_a_token_it_is_401()
    {
        var (token, _) = await _api.NewPlayerAsync();
        using var bad = new HttpRequestMessage(HttpMethod.Get, Path);
        bad.Headers.Authorization = new("Bearer", token);
        bad.Headers.Add("Last-Event-ID", "PLAYER:1,NOPE:2");

        using var refused = await system.Gateway.SendAsync(bad);
        using var anonymous = await system.Gateway.GetAsync(Path);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("last_event_id", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task SetVolumeAsync(string token, int volume) =>
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Patch, "/api/v1/settings/me", $$"""{"masterVolume":{{volume}}}""", token: token)).Status);

    private static int Volume(JsonObject item) => item["event"]!["data"]!["settings"]!["masterVolume"]!.GetValue<int>();

    [Fact]
    public async Task The_feed_follows_its_player_into_a_region_and_delivers_that_regions_world_events_only()
    {
        var (token, playerId) = await _api.NewPlayerAsync();
        var admin = await Sessions.AdminAsync(system);
        await using var feed = await Feed.OpenAsync(system.Gateway, token);

        var (moved, _) = await _api.SendAsync(HttpMethod.Put, "/api/v1/world/location", """{"regionId":"saltmoor"}""", token: token);
        Assert.Equal(HttpStatusCode.OK, moved);
        var (move, _) = await feed.NextEventAsync();
        await GrowAsync(admin, "quill");
        await GrowAsync(admin, "saltmoor");
        var (change, seen) = await feed.NextEventAsync();
        await using var bus = await BusClient.StartAsync(system);
        foreach (var region in new[] { "quill", "saltmoor" })
        {
            var weather = new Weather { RegionId = region, Condition = Condition.Storm, GameMinutes = 60 };
            await bus.Events.PublishEventAsync(new WeatherChanged { PreviousCondition = Condition.Clear, Weather = weather }, $"test-weather:{Guid.NewGuid():N}");
        }

        var (storm, more) = await feed.NextEventAsync();

        Assert.Equal(("evt.world.player_moved", playerId), (move["event"]!["subject"]!.GetValue<string>(), move["event"]!["data"]!["playerId"]!.GetValue<string>()));
        Assert.Equal("evt.world.region_changed", change["event"]!["subject"]!.GetValue<string>());
        Assert.Equal("saltmoor", change["event"]!["data"]!["region"]!["id"]!.GetValue<string>());
        Assert.Equal(("evt.weather.changed", "saltmoor"), (storm["event"]!["subject"]!.GetValue<string>(), storm["event"]!["data"]!["weather"]!["regionId"]!.GetValue<string>()));
        Assert.All(seen.Concat(more), item => Assert.DoesNotContain("\"quill\"", item.Data, StringComparison.Ordinal));
    }

    /// <summary>An administrator's update of a region, which publishes its evt.world.region_changed.</summary>
    private async Task GrowAsync(string admin, string regionId)
    {
        var (_, region) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/world/regions/{regionId}");
        var population = StateApi.Long(region["population"]) + 1;
        var (status, body) = await _api.SendAsync(HttpMethod.Patch, $"/api/v1/world/regions/{regionId}", $$"""{"population":"{{population}}"}""", token: admin);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    /// <summary>One open feed, read item by item as a browser's EventSource would.</summary>
    private sealed class Feed : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly IAsyncEnumerator<SseItem<string>> _items;

        private Feed(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> items)
        {
            _response = response;
            _items = items;
        }

        public string? LastEventId { get; private set; }

        public static async Task<Feed> OpenAsync(HttpClient gateway, string token, string? lastEventId = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Path);
            request.Headers.Authorization = new("Bearer", token);
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new Feed(response, SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator());
        }

        public async Task<SseItem<string>> NextAsync()
        {
            Assert.True(await MoreAsync(), "the feed ended");
            if (!string.IsNullOrEmpty(_items.Current.EventId))
            {
                LastEventId = _items.Current.EventId;
            }

            return _items.Current;
        }

        public async Task<bool> MoreAsync() => await _items.MoveNextAsync().AsTask().WaitAsync(Patience);

        /// <summary>The next event (heartbeats skipped), and every item read on the way.</summary>
        public async Task<(JsonObject Item, List<SseItem<string>> Seen)> NextEventAsync()
        {
            var seen = new List<SseItem<string>>();
            while (true)
            {
                var item = await NextAsync();
                seen.Add(item);
                if (item.EventType == "message" && JsonNode.Parse(item.Data)!.AsObject() is { } body && body["event"] is not null)
                {
                    return (body, seen);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _items.DisposeAsync();
            _response.Dispose();
        }
    }
}

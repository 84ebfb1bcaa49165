using System.Net;
using System.Text.Json.Nodes;

namespace GamingSystem.IntegrationTests;

[Collection(SystemCollection.Name)]
public sealed class StateManagerTests(SystemFixture system)
{
    private readonly StateApi _api = new(system.Gateway);

    private static string NewKey(string name) => $"test/{name}/{Guid.NewGuid():N}";

    [Fact]
    public async Task Put_get_and_delete_round_trip_through_the_gateway()
    {
        var key = NewKey("roundtrip");

        var (putStatus, put) = await _api.PutAsync(key, "hello world");
        var (getStatus, got) = await _api.GetAsync(key);
        var (deleteStatus, _) = await _api.DeleteAsync(key);
        var (afterStatus, after) = await _api.GetAsync(key);

        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(key, got["key"]!.GetValue<string>());
        Assert.Equal("hello world", StateApi.Value(got));
        Assert.Equal(StateApi.Long(put["version"]), StateApi.Long(got["version"]));
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal(HttpStatusCode.NotFound, afterStatus);
        Assert.Equal("NOT_FOUND", after["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stale_expected_version_is_409_with_the_current_version()
    {
        var key = NewKey("stale");
        var (_, first) = await _api.PutAsync(key, "one");
        var (_, second) = await _api.PutAsync(key, "two", expectedVersion: StateApi.Long(first["version"]));

        var (status, problem) = await _api.PutAsync(key, "three", expectedVersion: StateApi.Long(first["version"]));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("FAILED_PRECONDITION", problem["code"]!.GetValue<string>());
        Assert.Equal(StateApi.Long(second["version"]), StateApi.Long(problem["details"]!["current_version"]));
        Assert.Equal("two", StateApi.Value((await _api.GetAsync(key)).Body));
    }

    [Fact]
    public async Task An_expected_version_ahead_of_the_stored_one_is_409_too()
    {
        var key = NewKey("ahead");
        var (_, put) = await _api.PutAsync(key, "one");

        var (status, problem) = await _api.PutAsync(key, "two", expectedVersion: StateApi.Long(put["version"]) + 1);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(StateApi.Long(put["version"]), StateApi.Long(problem["details"]!["current_version"]));
        Assert.Equal("one", StateApi.Value((await _api.GetAsync(key)).Body));
    }

    [Fact]
    public async Task A_put_without_a_ttl_clears_the_ttl_of_the_value_it_replaces()
    {
        var key = NewKey("ttl-cleared");
        await _api.PutAsync(key, "short-lived", ttlSeconds: 600);

        await _api.PutAsync(key, "kept");
        var (_, got) = await _api.GetAsync(key);

        Assert.Equal(0, StateApi.Long(got["ttlSeconds"]));
    }

    [Fact]
    public async Task A_value_is_gone_when_its_ttl_runs_out_and_listing_skips_it()
    {
        var prefix = NewKey("ttl-expiry") + "/";
        await _api.PutAsync(prefix + "brief", "brief", ttlSeconds: 1);
        await _api.PutAsync(prefix + "lasting", "lasting");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await _api.GetAsync(prefix + "brief")).Status != HttpStatusCode.NotFound)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the value outlived its 1 s ttl by far");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        var (status, page) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/state?prefix={Uri.EscapeDataString(prefix)}&pageSize=1");
        Assert.Equal(HttpStatusCode.OK, status);
        var entry = Assert.Single(page["entries"]!.AsArray());
        Assert.Equal(prefix + "lasting", entry!["key"]!.GetValue<string>());
        Assert.Equal(string.Empty, page["nextPageToken"]?.GetValue<string>() ?? string.Empty);
    }

    [Fact]
    public async Task A_key_deleted_and_written_again_never_gets_a_version_it_had()
    {
        var key = NewKey("no-aba");
        var (_, first) = await _api.PutAsync(key, "one");
        await _api.DeleteAsync(key, StateApi.Long(first["version"]));

        var (_, again) = await _api.PutAsync(key, "two");

        Assert.True(StateApi.Long(again["version"]) > StateApi.Long(first["version"]));
        var (stale, _) = await _api.PutAsync(key, "three", expectedVersion: StateApi.Long(first["version"]));
        Assert.Equal(HttpStatusCode.Conflict, stale);
    }

    [Fact]
    public async Task Deleting_a_key_that_does_not_exist_is_404()
    {
        var (status, problem) = await _api.DeleteAsync(NewKey("never-there"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expected_version_zero_means_the_key_must_not_exist()
    {
        var key = NewKey("create-only");

        var (created, _) = await _api.PutAsync(key, "first", expectedVersion: 0);
        var (again, problem) = await _api.PutAsync(key, "second", expectedVersion: 0);

        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("version", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_with_a_stale_version_is_refused_and_keeps_the_value()
    {
        var key = NewKey("delete-cas");
        var (_, put) = await _api.PutAsync(key, "keep me");

        var (status, _) = await _api.DeleteAsync(key, expectedVersion: StateApi.Long(put["version"]) + 1000);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(key)).Status);
    }

    [Fact]
    public async Task Concurrent_compare_and_set_increments_lose_no_update()
    {
        const int Clients = 20;
        const int IncrementsPerClient = 10;
        var key = NewKey("counter");
        var handlers = Enumerable.Range(0, Clients).Select(_ => new HttpClient { BaseAddress = system.Gateway.BaseAddress }).ToList();
        try
        {
            await Task.WhenAll(handlers.Select(http => IncrementAsync(new StateApi(http), key, IncrementsPerClient)));
        }
        finally
        {
            handlers.ForEach(h => h.Dispose());
        }

        var (_, final) = await _api.GetAsync(key);
        Assert.Equal(Clients * IncrementsPerClient, int.Parse(StateApi.Value(final)));
    }

    private static async Task IncrementAsync(StateApi api, string key, int times)
    {
        for (var done = 0; done < times;)
        {
            var (status, current) = await api.GetAsync(key);
            var (value, version) = status == HttpStatusCode.NotFound ? (0, 0L) : (int.Parse(StateApi.Value(current)), StateApi.Long(current["version"]));
            var (putStatus, problem) = await api.PutAsync(key, (value + 1).ToString(), expectedVersion: version);
            if (putStatus == HttpStatusCode.OK)
            {
                done++;
            }
            else
            {
                Assert.True(putStatus == HttpStatusCode.Conflict, $"unexpected {putStatus}: {problem}");
            }
        }
    }

    [Fact]
    public async Task List_pages_through_a_prefix_in_key_order()
    {
        var prefix = NewKey("list") + "/";
        foreach (var name in new[] { "c", "a", "e", "b", "d" })
        {
            await _api.PutAsync(prefix + name, name);
        }

        var seen = new List<string>();
        var token = string.Empty;
        var pages = 0;
        do
        {
            var (status, page) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/state?prefix={Uri.EscapeDataString(prefix)}&pageSize=2&pageToken={token}");
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(page["entries"]!.AsArray().Select(e => e!["key"]!.GetValue<string>()[prefix.Length..]));
            token = page["nextPageToken"]!.GetValue<string>();
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_value_with_a_ttl_reports_its_remaining_seconds()
    {
        var key = NewKey("ttl");

        await _api.PutAsync(key, "short-lived", ttlSeconds: 600);
        var (_, got) = await _api.GetAsync(key);

        Assert.InRange(StateApi.Long(got["ttlSeconds"]), 590, 600);
    }

    [Theory]
    [InlineData("""{"value": "aGk=", """, "body")]
    [InlineData("""{"value": "aGk=", "expectedVersion": "three"}""", "expectedVersion")]
    [InlineData("""{"value": "aGk=", "ttlSeconds": "soon"}""", "ttlSeconds")]
    [InlineData("""{"value": 42}""", "value")]
    [InlineData("""{"valeu": "aGk="}""", "valeu")]
    [InlineData("""{"value": "aGk=", "ttlSeconds": -5}""", "ttlSeconds")]
    public async Task Bad_input_is_400_naming_the_field(string json, string field)
    {
        var (status, problem) = await _api.SendAsync(HttpMethod.Put, $"/api/v1/state/{NewKey("bad")}", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", problem["code"]!.GetValue<string>());
        Assert.Equal(field, problem["field"]!.GetValue<string>());
        Assert.Contains(field, problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_route_is_404_problem_json()
    {
        using var response = await system.Gateway.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(404, problem["status"]!.GetValue<int>());
        Assert.Equal("NOT_FOUND", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_known_route_with_another_method_is_405_naming_the_allowed_ones()
    {
        var (status, problem) = await _api.SendAsync(HttpMethod.Post, StateApi.Path(NewKey("method")), "{}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("METHOD_NOT_ALLOWED", problem["code"]!.GetValue<string>());
        Assert.Contains("PUT", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_and_liveness_answer_on_the_gateway()
    {
        Assert.Equal(HttpStatusCode.OK, (await system.Gateway.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Gateway.GetAsync("/alive")).StatusCode);
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace GamingSystem.IntegrationTests;

/// <summary>Bearer tokens at the gateway: what each method's access (common.proto's Access) lets through.</summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayAuthTests(SystemFixture system)
{
    private readonly StateApi _api = new(system.Gateway);

    [Fact]
    public async Task A_player_route_without_a_token_is_401_with_a_bearer_challenge()
    {
        using var response = await system.Gateway.GetAsync("/api/v1/settings/me");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("UNAUTHENTICATED", problem["code"]!.GetValue<string>());
        Assert.Contains("/api/v1/auth/login", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_that_is_sent_must_be_valid_even_on_a_public_route()
    {
        var (unknown, problem) = await _api.SendAsync(HttpMethod.Get, StateApi.Path("test/auth/anything"), token: "not-a-session");
        using var basic = new HttpRequestMessage(HttpMethod.Get, StateApi.Path("test/auth/anything"));
        basic.Headers.Authorization = new("Basic", "dXNlcjpwYXNz");
        using var basicResponse = await system.Gateway.SendAsync(basic);

        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (unknown, problem["code"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, basicResponse.StatusCode);
        Assert.Contains("Bearer <token>", await basicResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_logged_in_player_passes_player_routes_is_refused_admin_ones_and_a_logout_ends_the_token_at_once()
    {
        var token = (await _api.NewPlayerAsync()).Token;
        var key = $"test/auth/{Guid.NewGuid():N}";

        var (publicWithToken, _) = await _api.SendAsync(HttpMethod.Put, StateApi.Path(key), """{"value":"aGk="}""", token: token);
        var (playerRoute, playerProblem) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: token);
        var (adminRoute, adminProblem) = await _api.SendAsync(HttpMethod.Put, "/api/v1/time/scale", """{"scale":2}""", token: token);
        var (logout, _) = await _api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", "{}", token: token);
        var (afterLogout, _) = await _api.SendAsync(HttpMethod.Get, StateApi.Path(key), token: token);

        Assert.Equal(HttpStatusCode.OK, publicWithToken);
        // Past authentication: whatever the settings service answers (it may not run yet), it is not a 401.
        Assert.NotEqual(HttpStatusCode.Unauthorized, playerRoute);
        Assert.NotEqual("UNAUTHENTICATED", playerProblem["code"]?.GetValue<string>());
        Assert.Equal((HttpStatusCode.Forbidden, "PERMISSION_DENIED"), (adminRoute, adminProblem["code"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, logout);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout);
    }

    [Fact]
    public async Task A_player_reads_and_patches_their_own_settings_through_the_gateway()
    {
        var token = (await _api.NewPlayerAsync()).Token;
        var other = (await _api.NewPlayerAsync()).Token;

        var (defaultsStatus, defaults) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: token);
        var (patchStatus, patched) = await _api.SendAsync(HttpMethod.Patch, "/api/v1/settings/me", "{\"masterVolume\":40}", token: token);
        var (badStatus, bad) = await _api.SendAsync(HttpMethod.Patch, "/api/v1/settings/me", "{\"musicVolume\":101}", token: token);
        var (_, theirs) = await _api.SendAsync(HttpMethod.Get, "/api/v1/settings/me", token: other);

        Assert.Equal(HttpStatusCode.OK, defaultsStatus);
        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal(40, patched["masterVolume"]!.GetValue<int>());
        Assert.Equal(defaults["musicVolume"]!.GetValue<int>(), patched["musicVolume"]!.GetValue<int>());
        Assert.Equal(defaults["playerId"]!.GetValue<string>(), patched["playerId"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.BadRequest, "musicVolume"), (badStatus, bad["field"]!.GetValue<string>()));
        Assert.NotEqual(40, theirs["masterVolume"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_gateway_serves_its_openapi_document()
    {
        using var response = await system.Gateway.GetAsync("/openapi/v1.json");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/api/v1/auth/register"]!["post"]);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using StackExchange.Redis;

namespace GamingSystem.IntegrationTests;

/// <summary>Sessions for routes that need more than a player: an account given the admin role, as an operator would.</summary>
internal static class Sessions
{
    /// <summary>
    /// Registers an account, grants it the admin role where auth keeps roles (the account's hash; there is no API for
    /// it, by design), and logs in: the session carries the role, so the gateway lets it through admin routes.
    /// </summary>
    public static async Task<string> AdminAsync(SystemFixture system)
    {
        var api = new StateApi(system.Gateway);
        var username = "admin-" + Guid.NewGuid().ToString("N")[..12];
        var credentials = new JsonObject { ["username"] = username, ["password"] = "a long enough password" }.ToJsonString();
        var (registered, _) = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/register", credentials);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!))
        {
            await redis.GetDatabase().HashSetAsync($"{{auth}}:user:{username}", "roles", "player,admin");
        }

        var (loggedIn, login) = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/login", credentials);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (registered, loggedIn));
        return login["token"]!.GetValue<string>();
    }
}

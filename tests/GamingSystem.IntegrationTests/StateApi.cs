using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GamingSystem.IntegrationTests;

/// <summary>The state routes as a game developer calls them: JSON over HTTP through the gateway.</summary>
internal sealed class StateApi(HttpClient http)
{
    public async Task<(HttpStatusCode Status, JsonObject Body)> PutAsync(string key, string value, long? expectedVersion = null, long? ttlSeconds = null)
    {
        var body = new JsonObject { ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };
        if (expectedVersion is not null)
        {
            body["expectedVersion"] = expectedVersion;
        }

        if (ttlSeconds is not null)
        {
            body["ttlSeconds"] = ttlSeconds;
        }

        return await SendAsync(HttpMethod.Put, Path(key), body.ToJsonString());
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string key) =>
        SendAsync(HttpMethod.Get, Path(key));

    public Task<(HttpStatusCode Status, JsonObject Body)> DeleteAsync(string key, long? expectedVersion = null) =>
        SendAsync(HttpMethod.Delete, Path(key) + (expectedVersion is null ? string.Empty : $"?expectedVersion={expectedVersion}"));

    public async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, string? json = null, CancellationToken cancellationToken = default, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var body = text.Length == 0 ? [] : JsonNode.Parse(text)?.AsObject() ?? [];
        return (response.StatusCode, body);
    }

    /// <summary>Registers a new player and logs in through the gateway: the session's token and the player's id.</summary>
    public async Task<(string Token, string PlayerId)> NewPlayerAsync()
    {
        var credentials = new JsonObject { ["username"] = "player-" + Guid.NewGuid().ToString("N")[..12], ["password"] = "a long enough password" }.ToJsonString();
        var (registered, registration) = await SendAsync(HttpMethod.Post, "/api/v1/auth/register", credentials);
        var (loggedIn, login) = await SendAsync(HttpMethod.Post, "/api/v1/auth/login", credentials);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (registered, loggedIn));
        return (login["token"]!.GetValue<string>(), registration["playerId"]!.GetValue<string>());
    }

    /// <summary>Keys may contain slashes; each segment is escaped on its own.</summary>
    public static string Path(string key) => "/api/v1/state/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    public static string Value(JsonObject body) => Encoding.UTF8.GetString(Convert.FromBase64String(body["value"]!.GetValue<string>()));

    /// <summary>int64 fields are decimal strings in the proto3 JSON mapping.</summary>
    public static long Long(JsonNode? node) => node!.GetValueKind() == JsonValueKind.String ? long.Parse(node.GetValue<string>()) : node.GetValue<long>();
}

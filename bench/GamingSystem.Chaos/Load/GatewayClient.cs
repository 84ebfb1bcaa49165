using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GamingSystem.Chaos.Load;

/// <summary>The gateway's JSON routes as a game client calls them, each call's outcome recorded.</summary>
internal sealed class GatewayClient(HttpClient http, Recorder recorder)
{
    public HttpClient Http => http;

    public Recorder Recorder => recorder;

    public async Task<Reply> SendAsync(string operation, HttpMethod method, string path, string? json = null, string? token = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var at = recorder.Time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var reply = new Reply((int)response.StatusCode, Parse(text));
            recorder.Add(new Outcome(at, operation, reply.Status, watch.Elapsed, reply.Status >= 400 ? Truncate(text) : null));
            return reply;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            recorder.Add(new Outcome(at, operation, 0, watch.Elapsed, ex.GetType().Name + ": " + Truncate(ex.Message)));
            return new Reply(0, []);
        }
    }

    /// <summary>
    /// Repeats a call that is safe to repeat (the same idempotency key, or a call the service answers the same way
    /// twice) until the system answers it, within <paramref name="patience"/>: an answer that is not a fault ends it.
    /// </summary>
    public async Task<(Reply Reply, int Attempts)> UntilAnsweredAsync(
        string operation, HttpMethod method, string path, string? json, string? token, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = recorder.Time.GetUtcNow() + patience;
        for (var attempt = 1; ; attempt++)
        {
            var reply = await SendAsync(operation, method, path, json, token, cancellationToken);
            if (!reply.Failed || cancellationToken.IsCancellationRequested)
            {
                return (reply, attempt);
            }

            if (recorder.Time.GetUtcNow() >= deadline)
            {
                Console.WriteLine($"    gave up on {operation} {path} after {attempt} attempts: {reply.Status} {reply.Body.ToJsonString()}");
                return (reply, attempt);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * attempt)), recorder.Time, CancellationToken.None);
        }
    }

    /// <summary>Registers a new player and logs in: the session's token and the player's id (retried through faults).</summary>
    public async Task<Player> NewPlayerAsync(string prefix, CancellationToken cancellationToken)
    {
        var credentials = new JsonObject { ["username"] = $"{prefix}-{Guid.NewGuid():N}"[..32], ["password"] = "a long enough password" }.ToJsonString();
        var patience = TimeSpan.FromSeconds(60);
        var (registered, _) = await UntilAnsweredAsync("auth register", HttpMethod.Post, "/api/v1/auth/register", credentials, null, patience, cancellationToken);
        // A registration whose answer was lost may have happened: a repeat then says the name is taken, and the login decides.
        var (login, _) = await UntilAnsweredAsync("auth login", HttpMethod.Post, "/api/v1/auth/login", credentials, null, patience, cancellationToken);
        if (login.Status != 200)
        {
            throw new InvalidOperationException($"could not sign a player in: register {registered.Status}, login {login.Status} {login.Body.ToJsonString()}");
        }

        return new Player(login.Text("playerId"), login.Text("token"));
    }

    private static JsonObject Parse(string text)
    {
        try
        {
            return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200];
}

internal sealed record Player(string Id, string Token);

/// <summary>An HTTP answer: its status (0 when none came) and its JSON body.</summary>
internal sealed record Reply(int Status, JsonObject Body)
{
    public bool Ok => Status is >= 200 and < 300;

    public bool Failed => Outcome.IsFault(Status);

    public string Text(string field) => Body[field]?.GetValue<string>() ?? throw new InvalidDataException($"no {field} in {Body.ToJsonString()}");

    /// <summary>int64 fields are decimal strings in the proto3 JSON mapping.</summary>
    public static long Long(JsonNode? node) =>
        node is null ? 0 : node.GetValueKind() == JsonValueKind.String ? long.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : node.GetValue<long>();
}

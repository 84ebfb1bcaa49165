using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Auth.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Messaging;
using StackExchange.Redis;

namespace GamingSystem.IntegrationTests;

/// <summary>Accounts and sessions through the gateway's public routes, and what auth keeps in Redis.</summary>
[Collection(SystemCollection.Name)]
public sealed class AuthTests(SystemFixture system)
{
    private const string Password = "correct horse battery";
    private readonly StateApi _api = new(system.Gateway);
    private readonly string _user = "it-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_player_registers_logs_in_is_validated_and_logs_out()
    {
        var (registered, registration) = await PostAsync("register", new() { ["username"] = _user, ["password"] = Password });
        var (loggedIn, login) = await PostAsync("login", new() { ["username"] = _user, ["password"] = Password });
        await using var bus = await BusClient.StartAsync(system);
        var token = login["token"]!.GetValue<string>();

        var valid = await ValidateAsync(bus, token);
        var (loggedOut, _) = await PostAsync("logout", [], token);
        var afterLogout = await Assert.ThrowsAsync<ServiceException>(() => ValidateAsync(bus, token));
        var (again, againProblem) = await PostAsync("logout", [], token);

        Assert.Equal(HttpStatusCode.OK, registered);
        Assert.Equal(HttpStatusCode.OK, loggedIn);
        Assert.Equal(registration["playerId"]!.GetValue<string>(), login["playerId"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(login["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));
        Assert.Equal(43, token.Length);
        Assert.Equal(registration["playerId"]!.GetValue<string>(), valid.PlayerId);
        Assert.Equal(["player"], valid.Roles);
        Assert.Equal(HttpStatusCode.OK, loggedOut);
        Assert.Equal(ErrorCode.Unauthenticated, afterLogout.Code);
        // The session is gone: its token no longer authenticates anything, not even another logout.
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (again, againProblem["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Only_a_pbkdf2_hash_of_the_password_and_a_sha256_of_the_token_are_stored_and_use_slides_the_session()
    {
        await PostAsync("register", new() { ["username"] = _user, ["password"] = Password });
        var (_, login) = await PostAsync("login", new() { ["username"] = _user, ["password"] = Password });
        var token = login["token"]!.GetValue<string>();
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!);
        var db = redis.GetDatabase();
        var sessionKey = "{auth}:session:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

        var stored = (string)(await db.HashGetAsync("{auth}:user:" + _user, "password"))!;
        await db.KeyExpireAsync(sessionKey, TimeSpan.FromMinutes(5));
        await using var bus = await BusClient.StartAsync(system);
        await ValidateAsync(bus, token);
        var ttl = await db.KeyTimeToLiveAsync(sessionKey);

        var parts = stored.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 100_000);
        Assert.DoesNotContain(Password, stored, StringComparison.Ordinal);
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        var server = redis.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: "{auth}:*"))
        {
            Assert.DoesNotContain(token, (string)key!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_taken_username_is_409_and_bad_input_is_400_naming_the_field()
    {
        await PostAsync("register", new() { ["username"] = _user, ["password"] = Password });

        var (taken, takenProblem) = await PostAsync("register", new() { ["username"] = _user, ["password"] = Password });
        var (badName, badNameProblem) = await PostAsync("register", new() { ["username"] = "No Spaces!", ["password"] = Password });
        var (trailingNewline, newlineProblem) = await PostAsync("register", new() { ["username"] = _user + "z\n", ["password"] = Password });
        var (shortPassword, shortProblem) = await PostAsync("register", new() { ["username"] = _user + "x", ["password"] = "short" });

        Assert.Equal((HttpStatusCode.Conflict, "ALREADY_EXISTS"), (taken, takenProblem["code"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "username"), (badName, badNameProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "username"), (trailingNewline, newlineProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "password"), (shortPassword, shortProblem["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401_and_five_failures_lock_the_account()
    {
        await PostAsync("register", new() { ["username"] = _user, ["password"] = Password });

        var (unknown, unknownProblem) = await PostAsync("login", new() { ["username"] = _user + "-nobody", ["password"] = Password });
        var failures = new List<(HttpStatusCode, JsonObject)>();
        for (var i = 0; i < 5; i++)
        {
            failures.Add(await PostAsync("login", new() { ["username"] = _user, ["password"] = "wrong password " + i }));
        }

        var (locked, lockedProblem) = await PostAsync("login", new() { ["username"] = _user, ["password"] = Password });

        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
        Assert.All(failures, f => Assert.Equal(HttpStatusCode.Unauthorized, f.Item1));
        Assert.Equal(unknownProblem["detail"]!.GetValue<string>(), failures[0].Item2["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.TooManyRequests, locked);
        Assert.Equal("RESOURCE_EXHAUSTED", lockedProblem["code"]!.GetValue<string>());
        Assert.Contains("locked", lockedProblem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_publishes_player_registered()
    {
        var (_, registration) = await PostAsync("register", new() { ["username"] = _user, ["password"] = Password });
        var playerId = registration["playerId"]!.GetValue<string>();
        await using var bus = await BusClient.StartAsync(system);

        var replay = await bus.Services.RequestAsync<ReplayResponse>(
            ContractRegistry.EventBus.FindMethodByName("Replay"), new ReplayRequest { SubjectFilter = "evt.auth.player_registered", Limit = 1000 });

        var evt = replay.Events.Select(e => PlayerRegistered.Parser.ParseFrom(e.Payload)).SingleOrDefault(e => e.PlayerId == playerId);
        Assert.NotNull(evt);
        Assert.Equal(_user, evt.Username);
    }

    private static Task<ValidateResponse> ValidateAsync(BusClient bus, string token) =>
        bus.Services.RequestAsync<ValidateResponse>(ContractRegistry.Auth.FindMethodByName("Validate"), new ValidateRequest { Token = token });

    private Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string route, JsonObject body, string? token = null) =>
        _api.SendAsync(HttpMethod.Post, $"/api/v1/auth/{route}", body.ToJsonString(), token: token);
}

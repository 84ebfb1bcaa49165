using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Auth.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.ServiceDefaults.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// Request-rate limits per client address and per player, with allowances of five that do not refill during a
/// test (one permit an hour), so that the tests count answers instead of timing them.
/// </summary>
public sealed class RateLimitTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private const int Limit = 5;
    private IHost? _state;
    private IHost? _auth;

    public async Task InitializeAsync()
    {
        _state = await Backend.StartAsync(nats.ConnectionString);
        _auth = await AuthBackend.StartAsync(nats.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { _state, _auth })
        {
            if (host is not null)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    [Fact]
    public async Task Over_the_address_limit_the_next_request_is_429_problem_json_with_retry_after_in_seconds()
    {
        await using var gateway = await StartAsync(perIp: Limit, perPlayer: 1000);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < Limit + 3; i++)
        {
            var response = await gateway.Http.GetAsync("/api/v1/state/k");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refused is null)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Limit), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        using (refused)
        {
            var problem = await GatewayHttpTests.Problem(refused!, HttpStatusCode.TooManyRequests);
            Assert.Equal("RESOURCE_EXHAUSTED", problem["code"]!.GetValue<string>());
            Assert.Equal(
                "too many requests from 127.0.0.1: the limit is 1 per 01:00:00 with bursts of 5 (Gateway:RateLimits:PerIp)",
                problem["detail"]!.GetValue<string>());
            // Whole seconds, rounded up: the next permit comes within the hour.
            var retryAfter = int.Parse(refused!.Headers.GetValues("Retry-After").Single(), NumberStyles.None, CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 3600);
        }
    }

    [Fact]
    public async Task Another_address_keeps_its_own_allowance()
    {
        await using var gateway = await StartAsync(perIp: Limit, perPlayer: 1000);
        using var other = ClientFrom(IPAddress.Parse("127.0.0.2"), gateway.Http.BaseAddress!);

        var first = await CountAsync(gateway.Http, "/api/v1/state/k", Limit + 1);
        var second = await CountAsync(other, "/api/v1/state/k", Limit + 1);

        Assert.Equal((Limit, 1), first);
        Assert.Equal((Limit, 1), second);
    }

    [Fact]
    public async Task Health_and_liveness_are_never_limited_and_take_nothing_of_the_allowance()
    {
        await using var gateway = await StartAsync(perIp: Limit, perPlayer: 1000);

        var healthBefore = await CountAsync(gateway.Http, "/health", 3 * Limit);
        var api = await CountAsync(gateway.Http, "/api/v1/state/k", Limit + 1);
        var healthAfter = await CountAsync(gateway.Http, "/health", 3 * Limit);
        var aliveAfter = await CountAsync(gateway.Http, "/alive", 3 * Limit);

        Assert.Equal((3 * Limit, 0), healthBefore);
        Assert.Equal((Limit, 1), api);
        Assert.Equal((3 * Limit, 0), healthAfter);
        Assert.Equal((3 * Limit, 0), aliveAfter);
    }

    [Fact]
    public async Task A_players_requests_count_together_across_sessions_and_another_player_is_unaffected()
    {
        await using var gateway = await StartAsync(perIp: 1000, perPlayer: Limit);

        var alice1 = await CountAsync(gateway.Http, "/api/v1/state/k", 3, AuthBackend.TokenOf("alice", 1));
        var alice2 = await CountAsync(gateway.Http, "/api/v1/state/k", 3, AuthBackend.TokenOf("alice", 2));
        var bob = await CountAsync(gateway.Http, "/api/v1/state/k", Limit, AuthBackend.TokenOf("bob", 1));
        var anonymous = await CountAsync(gateway.Http, "/api/v1/state/k", Limit + 1);

        Assert.Equal((3, 0), alice1);
        Assert.Equal((2, 1), alice2);
        Assert.Equal((Limit, 0), bob);
        // Without a token only the address limit applies.
        Assert.Equal((Limit + 1, 0), anonymous);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/state/k");
        request.Headers.Authorization = new("Bearer", AuthBackend.TokenOf("alice", 3));
        using var refused = await gateway.Http.SendAsync(request);
        var problem = await GatewayHttpTests.Problem(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("RESOURCE_EXHAUSTED", problem["code"]!.GetValue<string>());
        Assert.Equal(
            "too many requests from this player: the limit is 1 per 01:00:00 with bursts of 5 (Gateway:RateLimits:PerPlayer)",
            problem["detail"]!.GetValue<string>());
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("::1", "::1")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void An_address_is_limited_by_itself_an_ipv6_one_by_its_64(string address, string key) =>
        Assert.Equal(key, RateLimits.ClientKey(IPAddress.Parse(address)));

    [Theory]
    [InlineData("PerIp", "Burst", "0")]
    [InlineData("PerPlayer", "PermitsPerPeriod", "-1")]
    [InlineData("PerPlayer", "Period", "00:00:00")]
    public async Task A_limit_that_allows_nothing_fails_at_start_up_naming_it(string limit, string setting, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
        {
            [$"Gateway:RateLimits:{limit}:{setting}"] = value,
        }));

        Assert.StartsWith($"Gateway:RateLimits:{limit} needs a positive Burst, PermitsPerPeriod and Period", error.Message);
    }

    private Task<GatewayHost> StartAsync(int perIp, int perPlayer) => GatewayHost.StartAsync(nats.ConnectionString, new Dictionary<string, string?>
    {
        ["Gateway:RateLimits:PerIp:Burst"] = perIp.ToString(CultureInfo.InvariantCulture),
        ["Gateway:RateLimits:PerIp:PermitsPerPeriod"] = "1",
        ["Gateway:RateLimits:PerIp:Period"] = "01:00:00",
        ["Gateway:RateLimits:PerPlayer:Burst"] = perPlayer.ToString(CultureInfo.InvariantCulture),
        ["Gateway:RateLimits:PerPlayer:PermitsPerPeriod"] = "1",
        ["Gateway:RateLimits:PerPlayer:Period"] = "01:00:00",
    });

    /// <summary>Sends <paramref name="count"/> GETs one after another; returns how many were 200 and how many 429.</summary>
    private static async Task<(int Ok, int Refused)> CountAsync(HttpClient http, string path, int count, string? token = null)
    {
        var (ok, refused) = (0, 0);
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            using var response = await http.SendAsync(request);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK: ok++; break;
                case HttpStatusCode.TooManyRequests: refused++; break;
                default: Assert.Fail($"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}"); break;
            }
        }

        return (ok, refused);
    }

    /// <summary>A client whose connections come from <paramref name="local"/> (all of 127.0.0.0/8 is loopback on Linux).</summary>
    private static HttpClient ClientFrom(IPAddress local, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = baseAddress,
    };

    /// <summary>Scripted auth: a token <c>player:n</c> is session n of that player.</summary>
    private static class AuthBackend
    {
        public static string TokenOf(string player, int session) => $"{player}:{session}";

        public static async Task<IHost> StartAsync(string natsConnectionString)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{ResourceNames.Nats}"] = natsConnectionString });
            builder.AddNatsClient(ResourceNames.Nats);
            builder.AddNatsService(ContractRegistry.Auth)
                .AddHandler<ValidateHandler>().AddHandler<StreamBackend.Unused<RegisterRequest, RegisterResponse>>()
                .AddHandler<StreamBackend.Unused<LoginRequest, LoginResponse>>().AddHandler<StreamBackend.Unused<LogoutRequest, LogoutResponse>>();
            var host = builder.Build();
            await host.StartAsync();
            return host;
        }

        public sealed class ValidateHandler : IServiceHandler<ValidateRequest, ValidateResponse>
        {
            public ValueTask<ValidateResponse> HandleAsync(ValidateRequest request, CallContext context) =>
                ValueTask.FromResult(new ValidateResponse { PlayerId = request.Token.Split(':')[0], Roles = { "player" } });
        }
    }
}

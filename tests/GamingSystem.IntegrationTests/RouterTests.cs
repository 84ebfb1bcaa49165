using System.Net;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.Contracts.Router.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.IntegrationTests;

/// <summary>The player command router on the booted system, over the SDK and through the gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class RouterTests(SystemFixture system) : IAsyncLifetime
{
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task An_unknown_command_is_400_with_the_closest_one_suggested()
    {
        var refused = await Assert.ThrowsAsync<ServiceException>(() => DispatchAsync("wallte"));
        var (status, problem) = await new StateApi(system.Gateway).SendAsync(HttpMethod.Post, "/api/v1/commands", """{"text":"tiem"}""", token: (await new StateApi(system.Gateway).NewPlayerAsync()).Token);

        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.Equal("text", refused.Error.Field);
        Assert.Equal("wallet", refused.Error.Details["suggestion"]);
        Assert.Contains("did you mean 'wallet'", refused.Message);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("did you mean 'time'", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "type a command")]
    [InlineData("   ", "type a command")]
    [InlineData("go", "usage: go <region>")]
    [InlineData("talk mira", "usage: talk <npc> <text>")]
    public async Task A_command_without_what_it_needs_is_refused_with_its_usage(string text, string expected)
    {
        var refused = await Assert.ThrowsAsync<ServiceException>(() => DispatchAsync(text));

        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public async Task A_command_whose_service_is_not_running_is_unavailable_naming_it()
    {
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var stop = await commands.ExecuteCommandAsync(ResourceNames.BodyBrokerIntegration, KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        ServiceException refused;
        try
        {
            await system.App.ResourceNotifications.WaitForResourceAsync(
                ResourceNames.BodyBrokerIntegration, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
            refused = await Assert.ThrowsAsync<ServiceException>(() => DispatchAsync("buy some-offer"));
        }
        finally
        {
            var start = await commands.ExecuteCommandAsync(ResourceNames.BodyBrokerIntegration, KnownResourceCommands.StartCommand);
            Assert.True(start.Success, start.Message);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await system.WaitHealthyAsync(ResourceNames.BodyBrokerIntegration, timeout.Token);
        }

        Assert.Equal(ErrorCode.Unavailable, refused.Code);
        Assert.Contains("body-broker-integration", refused.Message);
    }

    [Fact]
    public async Task The_routes_list_every_command_with_its_usage_and_owner_through_the_gateway_too()
    {
        var routes = await _bus.Services.RequestAsync<ListRoutesResponse>(ContractRegistry.Router.FindMethodByName("ListRoutes"), new ListRoutesRequest(), new CallOptions { PlayerId = "router-player" });
        var (status, body) = await new StateApi(system.Gateway).SendAsync(HttpMethod.Get, "/api/v1/commands", token: (await new StateApi(system.Gateway).NewPlayerAsync()).Token);

        Assert.Equal(["look", "go", "talk", "quests", "accept", "wallet", "weather", "time", "buy"], routes.Routes.Select(r => r.Verb));
        Assert.Equal("gaming.payment.v1.Payment.GetBalance", routes.Routes.Single(r => r.Verb == "wallet").RoutedTo);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(9, body["routes"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_world_commands_look_go_talk_weather_and_time_work_end_to_end_through_the_gateway()
    {
        var api = new StateApi(system.Gateway);
        var (token, _) = await api.NewPlayerAsync();
        var npc = await _bus.Services.RequestAsync<Npc>(
            ContractRegistry.NpcBehavior.FindMethodByName("RegisterNpc"), new RegisterNpcRequest { Name = "Odo", Persona = "a harbour pilot", HomeRegionId = "saltmoor" });

        async Task<JsonObject> CommandAsync(string text)
        {
            var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/v1/commands", new JsonObject { ["text"] = text }.ToJsonString(), token: token);
            Assert.True(status == HttpStatusCode.OK, $"{text}: {(int)status} {body}");
            return body;
        }

        var look = await CommandAsync("look");
        var go = await CommandAsync("go saltmoor");
        var lookAgain = await CommandAsync("look");
        var talk = await CommandAsync($"talk {npc.Id} Which way to the Sel Delta?");
        var weatherHere = await CommandAsync("weather");
        var weatherThere = await CommandAsync("weather quill");
        var time = await CommandAsync("time");
        var (tooFar, refused) = await api.SendAsync(HttpMethod.Post, "/api/v1/commands", """{"text":"go glass-waste"}""", token: token);

        Assert.Equal("You are in emberly.", look["reply"]!.GetValue<string>());
        Assert.Equal(("You travel to saltmoor.", "gaming.world_state.v1.WorldState.MovePlayer"), (go["reply"]!.GetValue<string>(), go["routedTo"]!.GetValue<string>()));
        Assert.Equal("You are in saltmoor.", lookAgain["reply"]!.GetValue<string>());
        Assert.StartsWith($"{npc.Id}: ", talk["reply"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(talk["result"]!["line"]!.GetValue<string>()));
        Assert.StartsWith("saltmoor: CONDITION_", weatherHere["reply"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("quill", weatherThere["result"]!["regionId"]!.GetValue<string>());
        Assert.Matches(@"^Day \d+, \d+:\d+ \(DAY_PHASE_[A-Z]+\)\.$", time["reply"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, tooFar);
        Assert.Contains("saltmoor", refused["detail"]!.GetValue<string>());
    }

    private Task<DispatchResponse> DispatchAsync(string text) =>
        _bus.Services.RequestAsync<DispatchResponse>(
            ContractRegistry.Router.FindMethodByName("Dispatch"), new DispatchRequest { Text = text }, new CallOptions { PlayerId = "router-player" });
}

using System.Text.RegularExpressions;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;

namespace GamingSystem.Gateway.Tests;

/// <summary>The rules every contract in protos/ keeps, checked over all of them at once.</summary>
public sealed partial class ContractTests
{
    private static readonly IReadOnlyList<MethodDescriptor> Methods = ContractRegistry.Services.SelectMany(s => s.Methods).ToArray();

    [Fact]
    public void Every_consumed_event_is_an_event_of_another_service()
    {
        var consumers = ContractRegistry.Services.Where(s => EventContracts.ConsumedBy(s).Count > 0).ToList();

        Assert.NotEmpty(consumers);
        foreach (var service in consumers)
        {
            Assert.All(EventContracts.ConsumedBy(service), evt => Assert.NotEqual(service.File, evt.File));
        }

        Assert.Equal(["gaming.time_manager.v1.TimeTick"], EventContracts.ConsumedBy(ContractRegistry.WeatherManager).Select(e => e.FullName));
    }

    [Fact]
    public void The_registry_lists_the_22_services_of_the_design_by_their_resource_names()
    {
        string[] expected =
        [
            "auth", "state-manager", "settings", "payment", "model-management", "ai-integration", "ai-router",
            "capability-registry", "event-bus", "orchestration", "router", "world-state", "time-manager", "weather-manager",
            "npc-behavior", "quest-system", "body-broker-integration", "story-teller", "environmental-narrative",
            "language-system", "knowledge-base", "performance-mode",
        ];

        Assert.Equal(expected, ContractRegistry.Services.Select(ContractRegistry.ResourceName));
        Assert.Equal(ResourceNames.StateManager, ContractRegistry.ResourceName(ContractRegistry.StateManager));
        Assert.Equal(ResourceNames.EventBus, ContractRegistry.ResourceName(ContractRegistry.EventBus));
    }

    [Fact]
    public void Every_method_has_an_http_route_or_a_stated_reason_and_never_both()
    {
        var routed = ContractRegistry.Services.SelectMany(HttpRoute.For).Select(r => r.Method).ToHashSet();

        var neither = Methods.Where(m => !routed.Contains(m) && ContractRegistry.InternalOnlyReason(m) is null).Select(m => m.FullName);
        var both = Methods.Where(m => routed.Contains(m) && ContractRegistry.InternalOnlyReason(m) is not null).Select(m => m.FullName);

        Assert.Empty(neither);
        Assert.Empty(both);
    }

    [Fact]
    public void Every_routed_method_says_who_may_call_it()
    {
        var unspecified = ContractRegistry.Services.SelectMany(HttpRoute.For)
            .Where(r => ContractRegistry.AccessOf(r.Method) == Contracts.Common.V1.Access.Unspecified)
            .Select(r => r.Method.FullName);

        Assert.Empty(unspecified);
        Assert.Equal(Contracts.Common.V1.Access.Public, ContractRegistry.AccessOf(ContractRegistry.Auth.FindMethodByName("Login")));
        Assert.Equal(Contracts.Common.V1.Access.Player, ContractRegistry.AccessOf(ContractRegistry.Auth.FindMethodByName("Logout")));
        Assert.Equal(Contracts.Common.V1.Access.Admin, ContractRegistry.AccessOf(ContractRegistry.TimeManager.FindMethodByName("SetScale")));
    }

    [Fact]
    public void No_two_routes_share_a_verb_and_path_shape()
    {
        // {id} and {region_id} in the same place are the same route to ASP.NET, so compare shapes, not names.
        var shapes = ContractRegistry.Services.SelectMany(HttpRoute.For)
            .GroupBy(r => $"{r.Verb} {PathVariable().Replace(r.Pattern, "{}")}")
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(r => r.Method.FullName))}");

        Assert.Empty(shapes);
    }

    [Theory]
    [InlineData("POST /api/v1/auth/register", "gaming.auth.v1.Auth.Register")]
    [InlineData("POST /api/v1/auth/login", "gaming.auth.v1.Auth.Login")]
    [InlineData("POST /api/v1/auth/logout", "gaming.auth.v1.Auth.Logout")]
    [InlineData("GET /api/v1/state/{**key}", "gaming.state_manager.v1.StateManager.Get")]
    [InlineData("PUT /api/v1/state/{**key}", "gaming.state_manager.v1.StateManager.Put")]
    [InlineData("DELETE /api/v1/state/{**key}", "gaming.state_manager.v1.StateManager.Delete")]
    [InlineData("GET /api/v1/settings/me", "gaming.settings.v1.Settings.Get")]
    [InlineData("PATCH /api/v1/settings/me", "gaming.settings.v1.Settings.Update")]
    [InlineData("GET /api/v1/wallet", "gaming.payment.v1.Payment.GetBalance")]
    [InlineData("POST /api/v1/wallet/transfers", "gaming.payment.v1.Payment.Transfer")]
    [InlineData("GET /api/v1/wallet/transactions", "gaming.payment.v1.Payment.ListTransactions")]
    [InlineData("POST /api/v1/ai/generate", "gaming.ai_integration.v1.AiIntegration.Generate")]
    [InlineData("POST /api/v1/workflows", "gaming.orchestration.v1.Orchestration.StartWorkflow")]
    [InlineData("GET /api/v1/workflows/{id}", "gaming.orchestration.v1.Orchestration.GetWorkflow")]
    [InlineData("POST /api/v1/commands", "gaming.router.v1.Router.Dispatch")]
    public void The_public_routes_of_the_design_are_served_by_their_methods(string route, string method)
    {
        var routes = ContractRegistry.Services.SelectMany(HttpRoute.For).ToDictionary(r => $"{r.Verb} {r.Pattern}", r => r.Method.FullName);

        Assert.Equal(method, routes.GetValueOrDefault(route));
    }

    [Fact]
    public void Routes_live_under_api_v1()
    {
        Assert.All(ContractRegistry.Services.SelectMany(HttpRoute.For), r => Assert.StartsWith("/api/v1/", r.Pattern + "/", StringComparison.Ordinal));
    }

    [Fact]
    public void No_two_methods_share_a_subject_and_no_two_services_a_queue_group()
    {
        Assert.Equal(Methods.Count, Methods.Select(ServiceSubjects.For).Distinct().Count());
        Assert.Equal(ContractRegistry.Services.Count, ContractRegistry.Services.Select(ServiceSubjects.QueueGroup).Distinct().Count());
    }

    [Fact]
    public void The_streams_are_the_five_of_the_design()
    {
        Assert.Equal(
            ["WORLD: evt.world.>, evt.weather.>, evt.time.>", "PLAYER: evt.player.>, evt.quest.>, evt.auth.>, evt.settings.>",
             "ECONOMY: evt.payment.>, evt.trade.>", "AI: evt.ai.>, evt.model.>", "DLQ: dlq.>"],
            EventContracts.Streams.Select(s => $"{s.Name}: {string.Join(", ", s.Subjects)}"));
    }

    [Fact]
    public void Every_event_falls_in_exactly_one_stream_and_has_a_subject_of_its_own()
    {
        var subjects = EventContracts.Events.Select(e => EventContracts.SubjectOf(e)!).ToArray();

        Assert.All(subjects, subject => Assert.NotEqual("DLQ", EventContracts.StreamFor(subject).Name));
        Assert.Equal(subjects.Length, subjects.Distinct().Count());
    }

    [Fact]
    public void Every_event_the_design_names_has_a_message()
    {
        string[] expected =
        [
            "evt.ai.generation_completed", "evt.auth.player_registered", "evt.model.changed", "evt.payment.charged",
            "evt.payment.credited", "evt.payment.transferred", "evt.quest.accepted", "evt.quest.completed", "evt.settings.changed",
            "evt.time.phase_changed", "evt.time.tick", "evt.trade.offer_created", "evt.trade.offer_sold", "evt.weather.changed",
            "evt.world.player_moved", "evt.world.region_changed", "evt.world.state_changed",
        ];

        Assert.Equal(expected, EventContracts.Events.Select(e => EventContracts.SubjectOf(e)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_subject_outside_every_stream_or_in_two_is_refused_by_name()
    {
        var none = Assert.Throws<InvalidOperationException>(() => EventContracts.StreamFor("evt.nowhere.happened"));
        Assert.Contains("evt.nowhere.happened", none.Message, StringComparison.Ordinal);
        Assert.Equal("WORLD", EventContracts.StreamFor("evt.world.state_changed").Name);
        Assert.Equal("DLQ", EventContracts.StreamFor("dlq.evt.world.state_changed").Name);
    }

    [Theory]
    [InlineData("evt.world.>", "evt.world.state_changed", true)]
    [InlineData("evt.world.>", "evt.world", false)]
    [InlineData("evt.world.>", "evt.worlds.x", false)]
    [InlineData("evt.*.tick", "evt.time.tick", true)]
    [InlineData("evt.*.tick", "evt.time.tock", false)]
    [InlineData("evt.*", "evt.time.tick", false)]
    [InlineData("evt.time.tick", "evt.time.tick", true)]
    [InlineData("evt.time.tick", "evt.time", false)]
    public void Subject_filters_match_as_nats_matches_them(string filter, string subject, bool matches)
    {
        Assert.Equal(matches, EventContracts.SubjectMatches(filter, subject));
    }

    [Fact]
    public void The_streaming_methods_are_the_ones_the_design_streams()
    {
        Assert.Equal(
            ["gaming.ai_integration.v1.AiIntegration.StreamGenerate", "gaming.event_bus.v1.EventBus.Watch", "gaming.story_teller.v1.StoryTeller.StreamNextBeat"],
            Methods.Where(m => m.IsServerStreaming).Select(m => m.FullName));
        Assert.DoesNotContain(Methods, m => m.IsClientStreaming);
    }

    [Fact]
    public void Every_enum_starts_with_an_unspecified_zero()
    {
        var enums = ContractRegistry.Services.Select(s => s.File).Distinct()
            .SelectMany(f => f.EnumTypes.Concat(f.MessageTypes.SelectMany(m => m.EnumTypes)));

        Assert.All(enums, e => Assert.EndsWith("_UNSPECIFIED", e.FindValueByNumber(0).Name, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\{\**[a-z_]+\}")]
    private static partial Regex PathVariable();
}

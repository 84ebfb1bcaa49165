using GamingSystem.Contracts.StateManager.V1;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

public sealed class HandlerRegistrationTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task Start_up_fails_naming_every_method_without_a_handler()
    {
        using var host = TestService.Build(nats.ConnectionString, service => service.AddHandler<TestService.ScriptedGetHandler>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("gaming.state_manager.v1.StateManager", error.Message);
        Assert.Contains("Put, Delete, List", error.Message);
    }

    [Fact]
    public void A_handler_that_matches_no_method_is_refused_when_registered()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TestService.Build(nats.ConnectionString, service => service.AddHandler<TestService.StrayHandler>()));

        Assert.Contains(nameof(TestService.StrayHandler), error.Message);
        Assert.Contains($"{nameof(PutResponse)} -> {nameof(GetRequest)}", error.Message);
    }

    [Fact]
    public void A_second_handler_for_one_method_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestService.Build(
            nats.ConnectionString,
            service => service.AddHandler<TestService.PutHandler>().AddHandler<TestService.PutHandler>()));

        Assert.Contains("already has a handler", error.Message);
    }
}

using System.Diagnostics;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>The per-service circuit breaker of the client's one-shot path: it opens, fails fast, and closes again.</summary>
public sealed class CircuitBreakerTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Put = ContractRegistry.StateManager.FindMethodByName("Put");

    [Fact]
    public async Task Repeated_unavailability_opens_the_circuit_and_a_service_that_returns_closes_it()
    {
        // Without retries, each call is one outcome for the breaker.
        using var caller = CallerOnly(nats.ConnectionString, breakDuration: TimeSpan.FromMilliseconds(500), maxRetries: 0);
        await caller.StartAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();

        // Nobody serves state_manager: every call is UNAVAILABLE, and after the breaker's minimum throughput the
        // circuit opens, which the error says.
        ServiceException? error = null;
        for (var i = 0; i < 20 && error?.Error.Details.ContainsKey("circuit") != true; i++)
        {
            error = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }));
            Assert.Equal(ErrorCode.Unavailable, error.Code);
        }

        Assert.True(error!.Error.Details.ContainsKey("circuit"), $"the circuit never opened; last error: {error.Message}");

        using var service = TestService.Build(nats.ConnectionString);
        await service.StartAsync();
        try
        {
            // After the break duration one trial call goes through; its success closes the circuit.
            var deadline = Stopwatch.StartNew();
            PutResponse? reply = null;
            while (reply is null)
            {
                try
                {
                    reply = await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" });
                }
                catch (ServiceException ex) when (ex.Error.Details.ContainsKey("circuit") && deadline.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Yield();
                }
            }

            // Closed again: calls go through without a break.
            await client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" });
        }
        finally
        {
            await service.StopAsync();
        }
    }

    [Fact]
    public async Task Calls_that_reach_nobody_even_after_their_retries_open_the_circuit()
    {
        using var caller = CallerOnly(nats.ConnectionString, breakDuration: TimeSpan.FromSeconds(5));
        await caller.StartAsync();
        var client = caller.Services.GetRequiredService<ServiceClient>();

        // A service that is gone, under load: each call retries for a moment (its instance might be reconnecting),
        // then fails; those failures, one per call, open the circuit, and the next call fails at once.
        var calls = Enumerable.Range(0, 12).Select(_ => Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" })));
        var failures = await Task.WhenAll(calls);
        var watch = Stopwatch.StartNew();
        var next = await Assert.ThrowsAsync<ServiceException>(() => client.RequestAsync<PutResponse>(Put, new PutRequest { Key = "k" }));

        Assert.All(failures, failure => Assert.Equal(ErrorCode.Unavailable, failure.Code));
        Assert.True(next.Error.Details.ContainsKey("circuit"), $"the circuit did not open: {next.Message}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"an open circuit answered after {watch.Elapsed}");
    }

    private static IHost CallerOnly(string natsConnectionString, TimeSpan breakDuration, int? maxRetries = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = natsConnectionString,
            [$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.BreakDuration)}"] = breakDuration.ToString(),
            [$"{ServiceClientOptions.SectionName}:{nameof(ServiceClientOptions.MaxRetries)}"] = maxRetries?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddNatsClient(ResourceNames.Nats);
        return builder.Build();
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using Xunit.Abstractions;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The monitoring that proves itself: the AppHost's Prometheus (--Monitoring true) scrapes every service's own
/// metrics, holds deploy/prometheus/alerts.yml, and a service that hangs fires ServiceDown, which resolves when it runs again.
/// </summary>
[Collection(TlsSystemCollection.Name)]
public sealed class MonitoringTests(TlsSystemFixture system, ITestOutputHelper output)
{
    private static readonly TimeSpan AlertDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_scrapes_every_service_with_its_rpc_metrics_and_holds_the_alert_rules()
    {
        using var prometheus = Prometheus();
        var services = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Select(p => p.Name).ToHashSet();

        var up = await PollAsync(async () =>
        {
            var series = await QueryAsync(prometheus, "up{job=\"services\"}");
            var healthy = series.Where(s => s!["value"]![1]!.GetValue<string>() == "1").Select(s => s!["metric"]!["service"]!.GetValue<string>()).ToHashSet();
            return healthy.SetEquals(services) ? healthy : null;
        });
        var handled = await PollAsync(async () =>
        {
            var series = await QueryAsync(prometheus, "sum by (service) (gaming_rpc_server_duration_seconds_count)");
            return series.Count > 0 ? series.Select(s => s!["metric"]!["service"]!.GetValue<string>()).ToList() : null;
        });
        var rules = await prometheus.GetFromJsonAsync<JsonObject>("/api/v1/rules");

        Assert.Equal(services, up);
        Assert.Contains(ResourceNames.CapabilityRegistry, handled);
        Assert.Equal(
            ["ConsumerLag", "DeadLettersGrowing", "GatewayErrorRate", "HighErrorRate", "HighLatencyP99", "ServiceDown", "ServiceRestarted"],
            rules!["data"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!["name"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task A_service_that_hangs_fires_ServiceDown_which_resolves_when_it_runs_again()
    {
        using var prometheus = Prometheus();
        var frozenAt = DateTimeOffset.UtcNow;
        TimeSpan fired;
        using (LinuxProcesses.Freeze(system.ServiceProcess(ResourceNames.Router).Id))
        {
            await WaitUntilAsync(() => RouterDownAsync(prometheus, "firing"));
            fired = DateTimeOffset.UtcNow - frozenAt;
        }

        var resumedAt = DateTimeOffset.UtcNow;
        await WaitUntilAsync(async () => !await RouterDownAsync(prometheus, state: null));
        output.WriteLine($"ServiceDown fired {fired.TotalSeconds:F0} s after the freeze, resolved {(DateTimeOffset.UtcNow - resumedAt).TotalSeconds:F0} s after the resume");
    }

    [Fact]
    public async Task A_killed_service_that_is_back_within_seconds_fires_ServiceRestarted()
    {
        // Back before ServiceDown's 10 s (the AppHost restarts it at once): only its CPU time starting again shows it.
        using var prometheus = Prometheus();
        var before = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Router);
        using (var victim = system.ServiceProcess(ResourceNames.Router))
        {
            victim.Kill();
            await victim.WaitForExitAsync();
        }

        var killedAt = DateTimeOffset.UtcNow;
        await WaitUntilAsync(() => AlertAsync(prometheus, "ServiceRestarted", ResourceNames.Router, "firing"));
        output.WriteLine($"ServiceRestarted fired {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:F0} s after the kill");

        Assert.False(await AlertAsync(prometheus, "ServiceRestarted", ResourceNames.Auth, state: null));
    }

    private HttpClient Prometheus() => new() { BaseAddress = system.App.GetEndpoint(ResourceNames.Prometheus, "http") };

    /// <summary>Whether Prometheus has a ServiceDown alert for router (in <paramref name="state"/>, or in any state).</summary>
    private static Task<bool> RouterDownAsync(HttpClient prometheus, string? state) =>
        AlertAsync(prometheus, "ServiceDown", ResourceNames.Router, state);

    private static async Task<bool> AlertAsync(HttpClient prometheus, string alert, string service, string? state)
    {
        var alerts = await prometheus.GetFromJsonAsync<JsonObject>("/api/v1/alerts");
        return alerts!["data"]!["alerts"]!.AsArray().Any(a =>
            a!["labels"]!["alertname"]!.GetValue<string>() == alert
            && a["labels"]!["service"]?.GetValue<string>() == service
            && (state is null || a["state"]!.GetValue<string>() == state));
    }

    private static async Task<JsonArray> QueryAsync(HttpClient prometheus, string query)
    {
        var response = await prometheus.GetFromJsonAsync<JsonObject>($"/api/v1/query?query={Uri.EscapeDataString(query)}");
        return response!["data"]!["result"]!.AsArray();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition) =>
        await PollAsync(async () => await condition() ? "yes" : null);

    private static async Task<T> PollAsync<T>(Func<Task<T?>> attempt)
        where T : class
    {
        using var deadline = new CancellationTokenSource(AlertDeadline);
        while (true)
        {
            if (await attempt() is { } result)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GamingSystem.Contracts;
using Microsoft.Playwright;

namespace GamingSystem.Dashboard.Tests;

/// <summary>What a developer does in the dashboard, in a real browser against the real system.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardFixture system)
{
    private static readonly string[] AllResources = [ResourceNames.Gateway, ResourceNames.Nats, ResourceNames.Redis, ResourceNames.StateManager];

    [Fact]
    public async Task Signing_in_with_the_token_shows_every_resource_healthy()
    {
        var page = await system.SignedInPageAsync();

        Assert.EndsWith("/", page.Url);
        foreach (var resource in AllResources)
        {
            await Assertions.Expect(page.Locator($"tr[data-resource='{resource}'] .state")).ToHaveTextAsync("healthy");
        }

        await Assertions.Expect(page.Locator("tr[data-resource='gateway'] a[href^='http://localhost:']")).ToBeVisibleAsync();
        await system.ScreenshotAsync(page, "resources");
    }

    [Fact]
    public async Task Restarting_a_service_from_the_page_goes_through_restarting_to_healthy()
    {
        var page = await system.SignedInPageAsync();
        var row = page.Locator($"tr[data-resource='{ResourceNames.StateManager}']");
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("healthy");
        var restartsBefore = int.Parse(await row.Locator(".restarts").InnerTextAsync());

        await row.Locator("button[data-command='restart']").ClickAsync();

        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("restarting");
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("healthy", new() { Timeout = 60_000 });
        await Assertions.Expect(row.Locator(".restarts")).ToHaveTextAsync((restartsBefore + 1).ToString());
    }

    [Fact]
    public async Task Console_logs_show_a_service_starting_up()
    {
        var page = await system.SignedInPageAsync();

        await page.GotoAsync(new Uri(system.Dashboard.Url, $"/consolelogs?resource={ResourceNames.StateManager}").ToString());

        // The SDK's start-up line, written by the service process to its console.
        await Assertions.Expect(page.Locator("#console")).ToContainTextAsync("NATS micro service state_manager started");
        await system.ScreenshotAsync(page, "consolelogs");
    }

    [Fact]
    public async Task A_gateway_request_shows_as_one_trace_across_gateway_and_service_with_its_log_line()
    {
        var key = $"dashboard/{Guid.NewGuid():N}";
        var page = await system.SignedInPageAsync();
        // The page is open before the request: the log line has to arrive through the live update.
        await page.GotoAsync(new Uri(system.Dashboard.Url, $"/structuredlogs?resource={ResourceNames.StateManager}&text={Uri.EscapeDataString(key)}").ToString());
        await Assertions.Expect(page.Locator("#logs")).ToContainTextAsync("No log records match yet.");

        using var put = await system.Gateway.PutAsync(
            $"/api/v1/state/{key}",
            new StringContent("""{"value":"aGVsbG8="}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // Find the trace: the service logged the key inside the request, and the log carries the trace id.
        var logRow = page.Locator("tr.log-row", new() { HasTextString = $"Stored {key} at version" });
        await Assertions.Expect(logRow).ToBeVisibleAsync();
        await system.ScreenshotAsync(page, "structuredlogs");

        await logRow.Locator("a[href^='/traces/detail/']").ClickAsync();
        var waterfall = page.Locator("#waterfall");
        await Assertions.Expect(waterfall.Locator(".span-row[data-resource='gateway']").First).ToBeVisibleAsync();
        await Assertions.Expect(waterfall.Locator(".span-row[data-resource='state-manager']").First).ToBeVisibleAsync();
        await Assertions.Expect(waterfall).ToContainTextAsync("PUT /api/v1/state");
        await Assertions.Expect(waterfall).ToContainTextAsync("svc.state_manager.v1.put process");
        await Assertions.Expect(waterfall).ToContainTextAsync("EVALSHA");
        await system.ScreenshotAsync(page, "trace");

        // One trace id for all of it: the page shows a single trace, and the API agrees.
        var traceId = page.Url.Split('/')[^1];
        Assert.Equal(traceId, await page.Locator("#trace-id").InnerTextAsync());
        using var api = ApiClient();
        var trace = await api.GetFromJsonAsync<JsonElement>($"/api/telemetry/traces/{traceId}");
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.All(spans, s => Assert.Equal(traceId, s.GetProperty("traceId").GetString()));
        Assert.Contains(spans, s => s.GetProperty("resource").GetString() == ResourceNames.Gateway);
        Assert.Contains(spans, s => s.GetProperty("resource").GetString() == ResourceNames.StateManager);
    }

    [Fact]
    public async Task Traces_and_metrics_pages_list_what_the_services_export()
    {
        using (var get = await system.Gateway.GetAsync($"/api/v1/state/dashboard-missing-{Guid.NewGuid():N}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        var page = await system.SignedInPageAsync();
        await page.GotoAsync(new Uri(system.Dashboard.Url, "/traces").ToString());
        await Assertions.Expect(page.Locator("tr.trace-row", new() { HasTextString = "GET /api/v1/state" }).First).ToBeVisibleAsync();
        await system.ScreenshotAsync(page, "traces");

        await page.GotoAsync(new Uri(system.Dashboard.Url, $"/metrics?resource={ResourceNames.StateManager}").ToString());
        await Assertions.Expect(page.Locator(".card[data-metric='gaming.rpc.server.duration'] svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await system.ScreenshotAsync(page, "metrics");
    }

    [Fact]
    public async Task Without_the_token_everything_answers_401_and_shows_nothing()
    {
        using var anonymous = new HttpClient { BaseAddress = system.Dashboard.Url };

        foreach (var path in new[] { "/", "/consolelogs", "/traces", "/api/resources", "/api/telemetry/traces", "/login?t=wrong" })
        {
            using var response = await anonymous.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain(ResourceNames.StateManager, body);
        }

        using var otlp = await anonymous.PostAsync("/v1/traces", new ByteArrayContent([]) { Headers = { ContentType = new("application/x-protobuf") } });
        Assert.Equal(HttpStatusCode.Unauthorized, otlp.StatusCode);
    }

    [Fact]
    public async Task Secrets_are_masked_in_the_resource_environment()
    {
        using var api = ApiClient();
        var resources = await api.GetFromJsonAsync<JsonElement>("/api/resources");
        var natsConnectionString = await system.App.GetConnectionStringAsync(ResourceNames.Nats);
        var password = new Uri(natsConnectionString).UserInfo.Split(':')[1];

        var text = resources.GetRawText();
        Assert.Contains("ConnectionStrings__nats", text);
        Assert.DoesNotContain(password, text);
    }

    private HttpClient ApiClient()
    {
        var client = new HttpClient { BaseAddress = system.Dashboard.Url };
        client.DefaultRequestHeaders.Authorization = new("Bearer", system.Dashboard.Token);
        return client;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// Aspire's dashboard as a developer meets it after F5: the AppHost's printed link signs in, and the resources,
/// console logs and traces of the running system are there. Debian's Chromium, driven by Playwright.
/// </summary>
public sealed partial class DashboardTests(DashboardTests.RunningAppHost system) : IClassFixture<DashboardTests.RunningAppHost>
{
    private static readonly TimeSpan ShowsUpWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_printed_link_signs_in_and_every_resource_is_running_and_healthy()
    {
        var page = await system.SignedInPageAsync();

        foreach (var resource in RunningAppHost.Resources)
        {
            var row = page.Locator("[role=row]", new() { HasText = resource });
            await WaitForTextAsync(() => row.First.InnerTextAsync(), text => text.Contains("Running", StringComparison.Ordinal)
                && !text.Contains("Unhealthy", StringComparison.Ordinal) && !text.Contains("Degraded", StringComparison.Ordinal), $"{resource} running and healthy");
        }

        await system.ScreenshotAsync(page, "resources");
    }

    [Fact]
    public async Task The_console_log_of_the_state_manager_shows_its_start_up()
    {
        var page = await system.SignedInPageAsync("/consolelogs/resource/state-manager");

        await WaitForTextAsync(() => page.InnerTextAsync("body"), text => text.Contains("NATS micro service state_manager", StringComparison.Ordinal),
            "the state-manager's start-up line");
        await system.ScreenshotAsync(page, "consolelogs");
    }

    [Fact]
    public async Task A_gateway_call_shows_as_one_trace_across_the_gateway_and_the_state_manager()
    {
        // The gateway's traces only: the other services' own work (registrations, scans, ticks) fills the full list.
        var page = await system.SignedInPageAsync("/traces/resource/gateway");
        var trace = page.Locator("[role=row]", new() { HasText = "gateway: PUT" });

        await WaitForTextAsync(() => trace.First.InnerTextAsync(), text => text.Contains("gateway (", StringComparison.Ordinal)
            && text.Contains("state-manager (", StringComparison.Ordinal), "one trace with spans of the gateway and the state-manager");
        await system.ScreenshotAsync(page, "traces");

        var title = await trace.First.Locator("[role=gridcell][title*='Trace Id']").GetAttributeAsync("title");
        var traceId = TraceId().Match(title ?? string.Empty).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        await page.GotoAsync(new Uri(system.AppHost.Dashboard, $"/traces/detail/{traceId}").ToString());
        await WaitForTextAsync(() => page.InnerTextAsync("body"), text => text.Contains("svc.state_manager.v1.put", StringComparison.Ordinal)
            && text.Contains("state-manager", StringComparison.Ordinal) && !text.Contains("subscribe", StringComparison.Ordinal),
            "the gateway's request and the state-manager's processing of it, in one trace");
        await system.ScreenshotAsync(page, "trace");
    }

    [Fact]
    public async Task Without_the_token_the_dashboard_shows_nothing_of_the_system()
    {
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(system.AppHost.Dashboard.ToString());

        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("state-manager", await page.ContentAsync(), StringComparison.Ordinal);

        // A made-up token is no better than none.
        await page.GotoAsync(new Uri(system.AppHost.Dashboard, "/login?t=0123456789abcdef0123456789abcdef").ToString());
        await page.GotoAsync(system.AppHost.Dashboard.ToString());
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("state-manager", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("Trace Id: ([0-9a-f]+)")]
    private static partial Regex TraceId();

    private static async Task WaitForTextAsync(Func<Task<string>> read, Func<string, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        var text = string.Empty;
        while (watch.Elapsed < ShowsUpWithin)
        {
            try
            {
                text = await read();
                if (condition(text))
                {
                    return;
                }
            }
            catch (TimeoutException)
            {
                // The element is not rendered yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.Fail($"{what}: not shown within {ShowsUpWithin}. The page said:\n{text}");
    }

    /// <summary>One AppHost process with its dashboard, a gateway call already made, and a browser.</summary>
    public sealed class RunningAppHost : IAsyncLifetime
    {
        public static readonly string[] Resources = ["nats", "redis", "state-manager", "gateway"];

        private IPlaywright? _playwright;
        private IBrowserContext? _signedIn;
        private Uri? _login;

        public AppHostProcess AppHost { get; } = AppHostProcess.Start();

        public IBrowser Browser { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _login = await AppHost.WaitForLoginLinkAsync();
            await AppHost.WaitForGatewayAsync();
            using var http = new HttpClient { BaseAddress = AppHost.Gateway };
            using var put = await http.PutAsync("/api/v1/state/dashboard-test", new StringContent("""{"value":"aGk="}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

            _playwright = await Playwright.CreateAsync();
            // Playwright's own browser download cannot work here; Debian's Chromium does the same job.
            Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
        }

        /// <summary>A page signed in through the printed link (the cookie it sets stays for the context), at <paramref name="path"/>.</summary>
        public async Task<IPage> SignedInPageAsync(string path = "/")
        {
            if (_signedIn is null)
            {
                _signedIn = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
                var first = await _signedIn.NewPageAsync();
                await first.GotoAsync(_login!.ToString());
                Assert.DoesNotContain("/login", first.Url, StringComparison.Ordinal);
                await first.CloseAsync();
            }

            var page = await _signedIn.NewPageAsync();
            await page.GotoAsync(new Uri(AppHost.Dashboard, path).ToString());
            return page;
        }

        /// <summary>Kept with the test results; docs/screenshots holds copies chosen for the README.</summary>
        public async Task ScreenshotAsync(IPage page, string name)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png") });
        }

        public async Task DisposeAsync()
        {
            if (_signedIn is not null)
            {
                await _signedIn.DisposeAsync();
            }

            if (Browser is not null)
            {
                await Browser.DisposeAsync();
            }

            _playwright?.Dispose();
            await AppHost.DisposeAsync();
        }
    }
}

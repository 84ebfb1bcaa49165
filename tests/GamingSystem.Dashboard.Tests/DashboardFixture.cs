using GamingSystem.Contracts;
using GamingSystem.Hosting;
using GamingSystem.Hosting.Dashboard;
using GamingSystem.Hosting.Testing;
using Microsoft.Playwright;

namespace GamingSystem.Dashboard.Tests;

/// <summary>
/// The whole model with its dashboard on a free port, and one headless Chromium (Debian's, the only
/// browser this machine can have), shared by the collection.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private DistributedApplication? _app;
    private IPlaywright? _playwright;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The system is not started.");

    public DashboardInfo Dashboard => App.Dashboard ?? throw new InvalidOperationException("The dashboard is not enabled.");

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>Where page screenshots go when <c>GAMINGSYSTEM_SCREENSHOTS</c> names a folder (docs/ uses them).</summary>
    public string? ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("GAMINGSYSTEM_SCREENSHOTS");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Chromium at {ChromiumPath}: sudo apt-get install chromium");
        }

        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        appHost.Builder.Options.EnableDashboard = true;
        _app = await appHost.BuildAsync();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var resource in new[] { ResourceNames.Nats, ResourceNames.Redis, ResourceNames.StateManager, ResourceNames.Gateway })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        Gateway = _app.CreateHttpClient(ResourceNames.Gateway);
        // Telemetry arrives on the services' export interval, and the suite may share the two cores with
        // other test assemblies: wait on what a page shows for up to 30 s, not Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in a sandbox-less container, with no network beyond loopback.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context signed in through the login link, as a person clicking it would be.</summary>
    public async Task<IPage> SignedInPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 820 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Dashboard.LoginUrl.ToString());
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        if (ScreenshotFolder is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = false });
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}

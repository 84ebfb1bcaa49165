using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using GamingSystem.Contracts;
using GamingSystem.StateManager;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

// Usage: dotnet run -c Release --project bench/GamingSystem.GatewayBench -- [--seconds 10] [--warmup 10] [--connections 64] [--rounds 2] [--env NAME=VALUE] [--markdown file]
var seconds = Option("--seconds", 10);
var connections = Option("--connections", 64);
var rounds = Option("--rounds", 2);
var warmup = Option("--warmup", 10);
var markdown = args.SkipWhile(a => a != "--markdown").Skip(1).FirstOrDefault();
const string Wrk = "/usr/bin/wrk";
if (!File.Exists(Wrk))
{
    Console.Error.WriteLine("wrk is not installed: sudo apt-get install wrk");
    return 2;
}

Console.WriteLine("Booting the system (AppHost model, real processes) ...");
var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GamingSystem_AppHost>([]);
// The resources' console lines and the health probes failing at shutdown would drown the figures.
appHost.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
    .AddFilter("GamingSystem.AppHost.Resources", LogLevel.None));
var gatewayResource = appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.Gateway));
// One address sends everything here: the per-address and per-player limits would measure themselves.
foreach (var limit in new[] { "PerIp", "PerPlayer" })
{
    gatewayResource.WithEnvironment($"Gateway__RateLimits__{limit}__Burst", "100000000")
        .WithEnvironment($"Gateway__RateLimits__{limit}__PermitsPerPeriod", "100000000");
}

// --env NAME=VALUE (repeatable): set on the gateway and state-manager, e.g. DOTNET_gcServer=0 to compare GC modes.
var stateManagerResource = appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.StateManager));
foreach (var setting in args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--env" && a.i + 1 < args.Length).Select(a => args[a.i + 1].Split('=', 2)))
{
    gatewayResource.WithEnvironment(setting[0], setting[1]);
    stateManagerResource.WithEnvironment(setting[0], setting[1]);
}

await using var app = await appHost.BuildAsync();
await app.StartAsync();
using (var boot = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
{
    await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, boot.Token);
}

using var gateway = app.CreateHttpClient(ResourceNames.Gateway);
var token = await SignInAsync(gateway);
var key = $"bench-gateway-{Guid.NewGuid():N}";
var value = Convert.ToBase64String(new byte[128]);
using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/state/{key}") { Content = JsonContent.Create(new { value }) })
{
    put.Headers.Authorization = new("Bearer", token);
    (await gateway.SendAsync(put)).EnsureSuccessStatusCode();
}

// The direct endpoint: the same read through state-manager's store on the same Redis, answered as JSON.
var redis = await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis"));
var store = new StateStore(redis);
var direct = WebApplication.CreateSlimBuilder();
direct.Logging.ClearProviders();
direct.WebHost.UseUrls("http://127.0.0.1:0");
var directApp = direct.Build();
directApp.MapGet("/direct/{**key}", async (string key) => await store.GetAsync(key) is { } entry
    ? Results.Text($$"""{"key":"{{entry.Key}}","value":"{{Convert.ToBase64String(entry.Value)}}","version":"{{entry.Version}}"}""", "application/json")
    : Results.NotFound());
await directApp.StartAsync();
var directUrl = directApp.Urls.First();

var gatewayUrl = $"{gateway.BaseAddress!.ToString().TrimEnd('/')}/api/v1/state/{key}";
var cases = new (string Name, string Url, string? Authorization)[]
{
    ("gateway: HTTP -> NATS -> state-manager -> Redis", gatewayUrl, $"Bearer {token}"),
    ("direct: HTTP -> Redis (state-manager's store)", $"{directUrl}/direct/{key}", null),
};

Console.WriteLine($"Warming up ({warmup} s per case), then {rounds} rounds of {seconds} s per case, {connections} connections, wrk with 2 threads ...");
foreach (var (_, url, authorization) in cases)
{
    await WrkAsync(url, authorization, warmup);
}

var results = cases.ToDictionary(c => c.Name, _ => new List<WrkResult>());
for (var round = 0; round < rounds; round++)
{
    // Alternate the order, so a machine that drifts favours neither side.
    foreach (var (name, url, authorization) in round % 2 == 0 ? cases : cases.Reverse())
    {
        var result = await WrkAsync(url, authorization, seconds);
        results[name].Add(result);
        Console.WriteLine($"  round {round + 1}: {name}: {result.RequestsPerSecond:N0} req/s, p99 {result.P99Ms:0.00} ms, errors {result.Errors}");
    }
}

var gatewayRate = results[cases[0].Name].Average(r => r.RequestsPerSecond);
var directRate = results[cases[1].Name].Average(r => r.RequestsPerSecond);
var lines = new List<string>
{
    $"| Case | Requests/s | p99 | Errors |",
    "| --- | --- | --- | --- |",
};
lines.AddRange(cases.Select(c => $"| {c.Name} | {results[c.Name].Average(r => r.RequestsPerSecond):N0} | {results[c.Name].Max(r => r.P99Ms):0.00} ms | {results[c.Name].Sum(r => r.Errors)} |"));
lines.Add(string.Empty);
lines.Add($"Gateway / direct throughput: **{gatewayRate / directRate:P0}**; targets: ≥ 8,000 req/s through the gateway with p99 < 20 ms, and ≥ 60% of direct.");
Console.WriteLine(string.Join(Environment.NewLine, lines));
if (markdown is not null)
{
    await File.WriteAllLinesAsync(markdown, lines);
}

await directApp.StopAsync();
var met = gatewayRate >= 8000 && results[cases[0].Name].Max(r => r.P99Ms) < 20 && gatewayRate / directRate >= 0.6;
return met ? 0 : 1;

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

async Task<WrkResult> WrkAsync(string url, string? authorization, int duration)
{
    var start = new ProcessStartInfo(Wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{duration}s", "--latency", "--timeout", "5s" })
    {
        start.ArgumentList.Add(argument);
    }

    if (authorization is not null)
    {
        start.ArgumentList.Add("-H");
        start.ArgumentList.Add($"Authorization: {authorization}");
    }

    start.ArgumentList.Add(url);
    using var wrk = Process.Start(start)!;
    var output = await wrk.StandardOutput.ReadToEndAsync();
    await wrk.WaitForExitAsync();
    return WrkResult.Parse(output);
}

static async Task<string> SignInAsync(HttpClient gateway)
{
    var credentials = new { username = "bench-" + Guid.NewGuid().ToString("N")[..10], password = "a long enough password" };
    (await gateway.PostAsJsonAsync("/api/v1/auth/register", credentials)).EnsureSuccessStatusCode();
    var login = await gateway.PostAsJsonAsync("/api/v1/auth/login", credentials);
    login.EnsureSuccessStatusCode();
    return JsonNode.Parse(await login.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
}

/// <summary>What wrk printed: requests per second, the 99th percentile, and requests that failed or were not 2xx.</summary>
internal sealed partial record WrkResult(double RequestsPerSecond, double P99Ms, long Errors)
{
    public static WrkResult Parse(string output)
    {
        var rate = double.Parse(Rate().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var p99 = P99().Match(output);
        var p99Ms = double.Parse(p99.Groups[1].Value, CultureInfo.InvariantCulture) * p99.Groups[2].Value switch { "us" => 0.001, "ms" => 1, "s" => 1000, _ => double.NaN };
        var errors = NonSuccess().Match(output) is { Success: true } bad ? long.Parse(bad.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrors().Matches(output).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return new WrkResult(rate, p99Ms, errors + socket);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rate();

    [GeneratedRegex(@"99%\s+([\d.]+)(us|ms|s)")]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketErrors();
}

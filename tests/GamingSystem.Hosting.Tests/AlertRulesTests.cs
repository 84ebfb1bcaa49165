using System.Diagnostics;

namespace GamingSystem.Hosting.Tests;

/// <summary>
/// The alert rules of deploy/prometheus and the Prometheus configuration the AppHost generates, checked by Debian's
/// promtool (<c>apt-get install prometheus</c>): the rules' own unit tests (each alert fires on what should fire it,
/// and resolves), and a configuration Prometheus accepts.
/// </summary>
public sealed class AlertRulesTests
{
    private static readonly string RulesFolder = Path.Combine(RepositoryRoot(), "deploy", "prometheus");

    [Fact]
    public async Task The_alert_rules_are_valid()
    {
        var (code, output) = await PromtoolAsync(RulesFolder, "check", "rules", "alerts.yml");

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 7 rules found", output);
    }

    [Fact]
    public async Task Each_alert_fires_on_its_fault_and_resolves_as_its_unit_tests_say()
    {
        var (code, output) = await PromtoolAsync(RulesFolder, "test", "rules", "alerts.test.yml");

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task The_generated_configuration_scrapes_every_service_under_its_name_and_loads_the_rules()
    {
        var prometheus = new PrometheusResource("prometheus", "prometheus", RulesFolder, Path.Combine(RulesFolder, "alerts.yml"));
        var configuration = PrometheusBuilderExtensions.Configuration(prometheus, [("auth", "localhost:41001"), ("gateway", "localhost:8000")]);
        var folder = Directory.CreateTempSubdirectory("prometheus-config-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), configuration);

            var (code, output) = await PromtoolAsync(folder, "check", "config", "prometheus.yml");

            Assert.True(code == 0, output);
            Assert.Contains("SUCCESS: 7 rules found", output);
            Assert.Contains("- targets: ['localhost:41001']\n        labels: { service: 'auth' }", configuration.ReplaceLineEndings("\n"));
            Assert.Contains("- targets: ['localhost:8000']\n        labels: { service: 'gateway' }", configuration.ReplaceLineEndings("\n"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "GamingSystem.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("GamingSystem.sln not found above " + AppContext.BaseDirectory);
    }
}

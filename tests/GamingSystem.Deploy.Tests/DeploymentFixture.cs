using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace GamingSystem.Deploy.Tests;

/// <summary>
/// The real manifest, published by the built AppHost (`--publisher manifest`), and the template the tool
/// synthesizes from it with AWS CDK; once for the whole test assembly.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("deploy-test-").FullName;

    public string ManifestPath => Path.Combine(Folder, "aspire-manifest.json");

    private AspireManifest? _manifest;

    public AspireManifest Manifest => _manifest ?? throw new InvalidOperationException("The manifest is published in InitializeAsync.");

    public JsonObject Template { get; private set; } = [];

    public string TemplateText { get; private set; } = string.Empty;

    public JsonObject Resources => Template["Resources"]!.AsObject();

    public IEnumerable<(string Id, JsonObject Body)> OfType(string type) =>
        Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!.AsObject()));

    public async Task InitializeAsync()
    {
        await PublishManifestAsync(ManifestPath);
        _manifest = AspireManifest.Load(ManifestPath);
        var template = await Task.Run(() => Synthesizer.Synthesize(ManifestPath, null, Path.Combine(Folder, "cdk.out")));
        TemplateText = await File.ReadAllTextAsync(template);
        Template = JsonNode.Parse(TemplateText)!.AsObject();
    }

    /// <summary>`dotnet run --project GamingSystem.AppHost -- --publisher manifest --output-path ...`, on the built AppHost.</summary>
    public static async Task PublishManifestAsync(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AppHostDll(), "--publisher", "manifest", "--output-path", path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0 && File.Exists(path), $"publish failed ({publish.ExitCode}):\n{await output}\n{await errors}");
    }

    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "GamingSystem.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("GamingSystem.sln not found above the test's folder");
    }

    private static string AppHostDll()
    {
        var configuration = typeof(DeploymentFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepositoryRoot(), "GamingSystem.AppHost", "bin", configuration, "net10.0", "GamingSystem.AppHost.dll");
        Assert.True(File.Exists(dll), $"build the AppHost first: {dll} is missing");
        return dll;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<DeploymentFixture>
{
    public const string Name = "deployment";
}

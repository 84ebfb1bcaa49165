using Amazon.CDK;

namespace GamingSystem.Deploy;

public sealed record DeployOptions(string Manifest, string? Settings, string Out)
{
    public static DeployOptions? Parse(IReadOnlyList<string> args)
    {
        string? manifest = null, settings = null, output = "cdk.out";
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--manifest": manifest = args[i + 1]; break;
                case "--settings": settings = args[i + 1]; break;
                case "--out": output = args[i + 1]; break;
                default: return null;
            }
        }

        return manifest is null || args.Count % 2 != 0 ? null : new DeployOptions(manifest, settings, output);
    }
}

/// <summary>Manifest + settings -> a CDK app -> <c>&lt;out&gt;/&lt;StackName&gt;.template.json</c> (and the image script).</summary>
public static class Synthesizer
{
    public static string Synthesize(string manifestPath, string? settingsPath, string outDirectory)
    {
        var manifest = AspireManifest.Load(manifestPath);
        var settings = DeploySettings.Load(settingsPath);
        Directory.CreateDirectory(outDirectory);
        var app = new App(new AppProps { Outdir = outDirectory });
        var stack = new GamingStack(app, manifest, settings);
        app.Synth();
        ImageScript.Write(manifest, settings, Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, Path.Combine(outDirectory, "publish-images.sh"));
        return Path.Combine(outDirectory, $"{stack.StackName}.template.json");
    }
}

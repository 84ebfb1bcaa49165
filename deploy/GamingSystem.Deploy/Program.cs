using Amazon.CDK;
using GamingSystem.Deploy;

// dotnet run --project deploy/GamingSystem.Deploy -- --manifest aspire-manifest.json [--settings deploy/deploy.settings.json] [--out deploy/cdk.out]
var options = DeployOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: GamingSystem.Deploy --manifest aspire-manifest.json [--settings deploy.settings.json] [--out cdk.out]");
    return 2;
}

try
{
    var template = Synthesizer.Synthesize(options.Manifest, options.Settings, options.Out);
    Console.WriteLine($"Synthesized {template}");
    return 0;
}
catch (Exception e) when (e is UnsupportedResourceException or InvalidOperationException or InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

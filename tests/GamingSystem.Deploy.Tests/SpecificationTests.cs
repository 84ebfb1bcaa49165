using System.Text.Json.Nodes;

namespace GamingSystem.Deploy.Tests;

/// <summary>
/// Every resource type and property of the template exists in AWS's CloudFormation resource specification
/// (npm's <c>@aws-cdk/cfnspec</c>, installed by .ci/run into tests/GamingSystem.Deploy.Tests/.cfnspec), and every
/// required property is there.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class SpecificationTests(DeploymentFixture deployment)
{
    private static readonly Lazy<JsonObject> Specification = new(() =>
    {
        var prefix = Path.Combine(DeploymentFixture.RepositoryRoot(), "tests", "GamingSystem.Deploy.Tests", ".cfnspec");
        var path = Path.Combine(prefix, "node_modules", "@aws-cdk", "cfnspec", "spec", "specification.json");
        if (!File.Exists(path))
        {
            // A fresh clone: fetch the specification from npm once (the folder is ignored by git).
            Install(prefix);
        }

        Assert.True(File.Exists(path), $"{path} is missing: npm install --prefix tests/GamingSystem.Deploy.Tests/.cfnspec {Package}");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    });

    private const string Package = "@aws-cdk/cfnspec@2.72.1";

    private static void Install(string prefix)
    {
        Directory.CreateDirectory(prefix);
        var start = new System.Diagnostics.ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", Package })
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = System.Diagnostics.Process.Start(start)!;
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            npm.Kill(entireProcessTree: true);
        }

        Assert.True(npm.HasExited && npm.ExitCode == 0, $"npm install {Package} failed: {output.Result}{errors.Result}");
    }

    [Fact]
    public void Every_resource_type_and_property_is_in_the_cloudformation_specification()
    {
        var resourceTypes = Specification.Value["ResourceTypes"]!.AsObject();
        var propertyTypes = Specification.Value["PropertyTypes"]!.AsObject();
        var problems = new List<string>();
        foreach (var (id, resource) in deployment.Resources)
        {
            var type = resource!["Type"]!.GetValue<string>();
            if (type.StartsWith("Custom::", StringComparison.Ordinal))
            {
                continue;
            }

            if (resourceTypes[type] is not JsonObject spec)
            {
                problems.Add($"{id}: resource type {type} is not in the specification");
                continue;
            }

            Check($"{id} ({type})", type, spec["Properties"]?.AsObject() ?? [], resource["Properties"] as JsonObject ?? [], propertyTypes, problems);
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(deployment.Resources.Count > 100, $"only {deployment.Resources.Count} resources");
    }

    private static void Check(string where, string resourceType, JsonObject specProperties, JsonObject properties, JsonObject propertyTypes, List<string> problems)
    {
        foreach (var (name, spec) in specProperties)
        {
            if (spec!["Required"]?.GetValue<bool>() == true && properties[name] is null)
            {
                problems.Add($"{where}: required property {name} is missing");
            }
        }

        foreach (var (name, value) in properties)
        {
            if (specProperties[name] is not JsonObject spec)
            {
                problems.Add($"{where}: property {name} is not in the specification");
                continue;
            }

            if (value is null || IsIntrinsic(value))
            {
                continue;
            }

            // A structured property (or a list or map of them) is checked against its own property type.
            var structured = spec["Type"]?.GetValue<string>() is { } t && t is not "List" and not "Map" ? t : spec["ItemType"]?.GetValue<string>();
            if (structured is null || propertyTypes[$"{resourceType}.{structured}"] is not JsonObject nested)
            {
                continue;
            }

            var nestedProperties = nested["Properties"]?.AsObject() ?? [];
            IEnumerable<JsonNode?> items = value switch
            {
                JsonArray array when spec["Type"]?.GetValue<string>() == "List" => array,
                JsonObject map when spec["Type"]?.GetValue<string>() == "Map" => map.Select(p => p.Value),
                _ => [value],
            };
            foreach (var item in items.OfType<JsonObject>().Where(i => !IsIntrinsic(i)))
            {
                Check($"{where}.{name}", resourceType, nestedProperties, item, propertyTypes, problems);
            }
        }
    }

    private static bool IsIntrinsic(JsonNode node) =>
        node is JsonObject o && o.Count == 1 && (o.First().Key == "Ref" || o.First().Key.StartsWith("Fn::", StringComparison.Ordinal));
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GamingSystem.Deploy;

/// <summary>
/// The resources of an <c>aspire-manifest.json</c>, the only thing the deployment knows of the app. Each resource
/// is classified by its type (and, for containers, by the image it runs); nothing is dropped: a type or an image
/// this tool cannot map is an error naming the resource.
/// </summary>
public sealed partial class AspireManifest
{
    public const string ProjectType = "project.v0";
    public const string ContainerType = "container.v0";
    public const string ParameterType = "parameter.v0";
    public const string ValueType = "value.v0";

    private AspireManifest(IReadOnlyDictionary<string, ManifestResource> resources) => Resources = resources;

    public IReadOnlyDictionary<string, ManifestResource> Resources { get; }

    public IEnumerable<ManifestResource> OfKind(ResourceKind kind) => Resources.Values.Where(r => r.Kind == kind);

    public static AspireManifest Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path));
    }

    public static AspireManifest Parse(string json)
    {
        var resources = JsonNode.Parse(json)?["resources"]?.AsObject()
            ?? throw new InvalidDataException("The manifest has no 'resources' object.");
        var map = new SortedDictionary<string, ManifestResource>(StringComparer.Ordinal);
        foreach (var (name, node) in resources)
        {
            var body = node?.AsObject() ?? throw new InvalidDataException($"Resource '{name}' is empty.");
            var type = body["type"]?.GetValue<string>() ?? throw new InvalidDataException($"Resource '{name}' has no type.");
            map[name] = new ManifestResource(name, type, Classify(name, type, body), body);
        }

        return new AspireManifest(map);
    }

    private static ResourceKind Classify(string name, string type, JsonObject body) => type switch
    {
        ProjectType => ResourceKind.Project,
        ParameterType => ResourceKind.Parameter,
        ValueType => ResourceKind.Value,
        ContainerType => ImageRepository(body["image"]?.GetValue<string>()) switch
        {
            "nats" => ResourceKind.Nats,
            "redis" => ResourceKind.Redis,
            _ => throw new UnsupportedResourceException(name, $"a container of image '{body["image"]}', which has no AWS mapping here (only nats and redis images)"),
        },
        _ => throw new UnsupportedResourceException(name, $"of type '{type}', which has no AWS mapping here (supported: {ProjectType}, {ContainerType}, {ParameterType}, {ValueType})"),
    };

    /// <summary><c>docker.io/library/nats:2.10.22</c> -> <c>nats</c>.</summary>
    internal static string? ImageRepository(string? image)
    {
        if (image is null)
        {
            return null;
        }

        var withoutTag = image.LastIndexOf(':') > image.LastIndexOf('/') ? image[..image.LastIndexOf(':')] : image;
        return withoutTag.Split('/')[^1];
    }

    /// <summary>The <c>{resource.path}</c> references in a manifest value.</summary>
    [GeneratedRegex(@"\{(?<resource>[A-Za-z0-9\-_]+)\.(?<path>[A-Za-z0-9\-_.]+)\}")]
    internal static partial Regex Reference();
}

public enum ResourceKind
{
    Project,
    Nats,
    Redis,
    Parameter,
    Value,
}

public sealed record ManifestResource(string Name, string Type, ResourceKind Kind, JsonObject Body)
{
    public IReadOnlyDictionary<string, string> Environment =>
        Body["env"]?.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
        ?? new Dictionary<string, string>();

    public IEnumerable<(string Name, JsonObject Binding)> Bindings =>
        Body["bindings"]?.AsObject().Select(p => (p.Key, p.Value!.AsObject())) ?? [];

    public bool IsExternal => Bindings.Any(b => b.Binding["external"]?.GetValue<bool>() == true);

    /// <summary>The resources this one refers to in its environment: what it was given by <c>WithReference</c>.</summary>
    public IReadOnlySet<string> References =>
        Environment.Values.SelectMany(v => AspireManifest.Reference().Matches(v)).Select(m => m.Groups["resource"].Value)
            .Where(r => r != Name).ToHashSet(StringComparer.Ordinal);

    public bool IsSecretParameter => Kind == ResourceKind.Parameter && Body["inputs"]?["value"]?["secret"]?.GetValue<bool>() == true;

    public bool IsGeneratedParameter => Kind == ResourceKind.Parameter && Body["inputs"]?["value"]?["default"]?["generate"] is not null;
}

public sealed class UnsupportedResourceException(string resource, string what)
    : InvalidOperationException($"Resource '{resource}' is {what}: add a mapping in deploy/GamingSystem.Deploy or remove it from the manifest.")
{
    public string Resource { get; } = resource;
}

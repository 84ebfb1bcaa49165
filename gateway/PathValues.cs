using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http.Features;

namespace GamingSystem.Gateway;

/// <summary>
/// The path variables of a matched route, decoded from the request target exactly as the client sent it.
/// Kestrel decodes the path for routing except <c>%2F</c>, and it does decode <c>%25</c> to <c>%</c>: in the
/// route values <c>a%2Fb</c> may have been sent as <c>a%2Fb</c> (an escaped slash, so key <c>a/b</c>) or as
/// <c>a%252Fb</c> (the literal text <c>a%2Fb</c>). Only the raw target tells the two apart.
/// </summary>
internal static class PathValues
{
    public static IEnumerable<(FieldDescriptor Field, string Value)> Read(HttpRoute route, HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var decoded = string.IsNullOrEmpty(raw) ? null : Match(route.Pattern, Segments(raw), request.PathBase);
        foreach (var field in route.PathFields)
        {
            // A catch-all that matched nothing has no route value; then the field keeps its default.
            if (request.RouteValues.TryGetValue(field.Name, out var routed) && routed is string text)
            {
                // Without a raw target that matches the route (a host other than Kestrel), the host's decoding stands.
                yield return (field, decoded is not null && decoded.TryGetValue(field.Name, out var exact) ? exact : text);
            }
        }
    }

    /// <summary>
    /// The path's segments, each fully decoded, with dot segments removed as Kestrel removes them (after
    /// decoding, so <c>%2E%2E</c> counts) so that they line up with the path the route matched.
    /// </summary>
    private static List<string> Segments(string rawTarget)
    {
        var path = rawTarget.AsSpan();
        var query = path.IndexOfAny('?', '#');
        path = query >= 0 ? path[..query] : path;
        if (!path.StartsWith("/"))
        {
            // Absolute form (http://host/path): the path starts at the first slash after the authority.
            var scheme = path.IndexOf("://");
            var slash = scheme < 0 ? -1 : path[(scheme + 3)..].IndexOf('/');
            path = slash < 0 ? "/" : path[(scheme + 3 + slash)..];
        }

        var segments = path[1..].ToString().Split('/');
        var output = new List<string>(segments.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = Uri.UnescapeDataString(segments[i]);
            if (segment is "." or "..")
            {
                if (segment == ".." && output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }

                if (i == segments.Length - 1)
                {
                    output.Add(string.Empty);
                }

                continue;
            }

            output.Add(segment);
        }

        return output;
    }

    /// <summary>The variables of <paramref name="pattern"/> (<c>{name}</c>, <c>{**name}</c>), or null if the segments do not fit it.</summary>
    private static Dictionary<string, string>? Match(string pattern, List<string> segments, PathString pathBase)
    {
        var offset = pathBase.HasValue ? pathBase.Value!.Trim('/').Split('/').Length : 0;
        var parts = pattern.TrimStart('/').Split('/');
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var at = offset + i;
            if (part.StartsWith("{**", StringComparison.Ordinal))
            {
                values[part[3..^1]] = at <= segments.Count ? string.Join('/', segments.Skip(at)) : string.Empty;
                return values;
            }

            if (at >= segments.Count)
            {
                return null;
            }

            if (part.StartsWith('{'))
            {
                values[part[1..^1]] = segments[at];
            }
            else if (!string.Equals(part, segments[at], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return offset + parts.Length == segments.Count ? values : null;
    }
}

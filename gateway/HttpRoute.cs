using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace GamingSystem.Gateway;

/// <summary>
/// One HTTP route of a proto method, read from its <c>google.api.http</c> annotation: verb, ASP.NET route
/// pattern, the fields bound from the path, and what the body carries ("*" = the whole request, a field
/// name = that field, empty = no body; then the other fields come from the query string).
/// </summary>
internal sealed record HttpRoute(MethodDescriptor Method, string Verb, string Pattern, IReadOnlyList<FieldDescriptor> PathFields, string Body)
{
    public static IEnumerable<HttpRoute> For(ServiceDescriptor service)
    {
        foreach (var method in service.Methods)
        {
            if (method.IsClientStreaming)
            {
                throw new InvalidOperationException($"{method.FullName}: client streaming has no HTTP mapping.");
            }

            var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
            if (rule is null)
            {
                continue;
            }

            yield return Create(method, rule);
            foreach (var extra in rule.AdditionalBindings)
            {
                yield return Create(method, extra);
            }
        }
    }

    internal static HttpRoute Create(MethodDescriptor method, HttpRule rule)
    {
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", rule.Get),
            HttpRule.PatternOneofCase.Put => ("PUT", rule.Put),
            HttpRule.PatternOneofCase.Post => ("POST", rule.Post),
            HttpRule.PatternOneofCase.Delete => ("DELETE", rule.Delete),
            HttpRule.PatternOneofCase.Patch => ("PATCH", rule.Patch),
            HttpRule.PatternOneofCase.Custom => (rule.Custom.Kind.ToUpperInvariant(), rule.Custom.Path),
            _ => throw new InvalidOperationException($"{method.FullName}: google.api.http has no pattern."),
        };

        if (rule.Body.Length > 0 && rule.Body != "*" && method.InputType.FindFieldByName(rule.Body) is null)
        {
            throw new InvalidOperationException($"{method.FullName}: body field '{rule.Body}' is not a field of {method.InputType.Name}.");
        }

        var (pattern, pathFields) = ParseTemplate(method, template);
        return new HttpRoute(method, verb, pattern, pathFields, rule.Body);
    }

    /// <summary><c>/api/v1/state/{key}</c> stays as it is; <c>{name=**}</c> becomes the catch-all <c>{**name}</c>.</summary>
    private static (string Pattern, IReadOnlyList<FieldDescriptor> Fields) ParseTemplate(MethodDescriptor method, string template)
    {
        var fields = new List<FieldDescriptor>();
        var segments = template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (!segment.StartsWith('{'))
            {
                continue;
            }

            var variable = segment.Trim('{', '}').Split('=', 2);
            var field = method.InputType.FindFieldByName(variable[0])
                ?? throw new InvalidOperationException($"{method.FullName}: path variable '{variable[0]}' is not a field of {method.InputType.Name}.");
            if (field.IsRepeated || field.FieldType == FieldType.Message)
            {
                throw new InvalidOperationException($"{method.FullName}: path variable '{variable[0]}' must be a scalar field.");
            }

            fields.Add(field);
            segments[i] = variable.Length == 2 && variable[1] == "**" ? $"{{**{field.Name}}}" : $"{{{field.Name}}}";
        }

        return (string.Join('/', segments), fields);
    }
}

using Google.Protobuf.Reflection;

namespace GamingSystem.Contracts;

/// <summary>
/// The comments written above each message, field, enum value, service and method of the contracts, by full name
/// (<c>gaming.payment.v1.CreditRequest.amount</c>). The build embeds a descriptor set with source info for it, since
/// the generated code keeps none.
/// </summary>
public static class ContractComments
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Comments = new(Load);

    /// <summary>The comment above <paramref name="descriptor"/>, trimmed, or null when it has none.</summary>
    public static string? Of(IDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Comments.Value.GetValueOrDefault(descriptor.FullName);
    }

    private static Dictionary<string, string> Load()
    {
        var comments = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = typeof(ContractComments).Assembly.GetManifestResourceStream("GamingSystem.Contracts.contracts.pb");
        if (stream is null)
        {
            return comments;
        }

        foreach (var file in FileDescriptorSet.Parser.ParseFrom(stream).File)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var prefix = file.Package.Length == 0 ? string.Empty : file.Package + ".";
            for (var m = 0; m < file.MessageType.Count; m++)
            {
                Message(file.MessageType[m], prefix + file.MessageType[m].Name, $"4.{m}", names);
            }

            for (var e = 0; e < file.EnumType.Count; e++)
            {
                Enum(file.EnumType[e], prefix + file.EnumType[e].Name, $"5.{e}", names);
            }

            for (var s = 0; s < file.Service.Count; s++)
            {
                var service = file.Service[s];
                names[$"6.{s}"] = prefix + service.Name;
                for (var method = 0; method < service.Method.Count; method++)
                {
                    names[$"6.{s}.2.{method}"] = $"{prefix}{service.Name}.{service.Method[method].Name}";
                }
            }

            foreach (var location in file.SourceCodeInfo?.Location ?? [])
            {
                var text = location.LeadingComments.Trim();
                if (text.Length > 0 && names.TryGetValue(string.Join('.', location.Path), out var name))
                {
                    comments[name] = string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        return comments;
    }

    private static void Message(DescriptorProto message, string name, string path, Dictionary<string, string> names)
    {
        names[path] = name;
        for (var f = 0; f < message.Field.Count; f++)
        {
            names[$"{path}.2.{f}"] = $"{name}.{message.Field[f].Name}";
        }

        for (var n = 0; n < message.NestedType.Count; n++)
        {
            Message(message.NestedType[n], $"{name}.{message.NestedType[n].Name}", $"{path}.3.{n}", names);
        }

        for (var e = 0; e < message.EnumType.Count; e++)
        {
            Enum(message.EnumType[e], $"{name}.{message.EnumType[e].Name}", $"{path}.4.{e}", names);
        }
    }

    private static void Enum(EnumDescriptorProto value, string name, string path, Dictionary<string, string> names)
    {
        names[path] = name;
        for (var v = 0; v < value.Value.Count; v++)
        {
            // Enum values are scoped like their enum, not inside it: gaming.common.v1.ERROR_CODE_NOT_FOUND.
            names[$"{path}.2.{v}"] = $"{name[..(name.LastIndexOf('.') + 1)]}{value.Value[v].Name}";
        }
    }
}

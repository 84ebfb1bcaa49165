using System.Globalization;
using System.Text.Json;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace GamingSystem.Gateway;

/// <summary>
/// Builds the request message of a route from an HTTP request: the JSON body in the proto3 JSON mapping,
/// then path variables, then query parameters. Anything it cannot use is INVALID_ARGUMENT naming the field.
/// </summary>
internal static class RequestReader
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static async Task<IMessage> ReadAsync(HttpRoute route, HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        var message = route.Method.InputType.Parser.ParseFrom(ByteString.Empty);

        IReadOnlySet<FieldDescriptor> inBody = new HashSet<FieldDescriptor>();
        string? bodyJson = null;
        if (route.Body.Length > 0)
        {
            bodyJson = await RequestBody.ReadJsonAsync(request, maxBodyBytes, cancellationToken).ConfigureAwait(false);
            if (bodyJson is not null)
            {
                inBody = MergeJson(message, route.Body == "*" ? bodyJson : WrapInField(route, bodyJson));
            }
        }

        foreach (var (field, value) in PathValues.Read(route, request))
        {
            SetScalar(message, field, value, field.JsonName);
        }

        // google.api.http binds no query parameters when the body is "*"; we bind them for every route, so that
        // PUT takes ?expectedVersion= as DELETE does, and an unknown parameter is refused instead of ignored.
        foreach (var (name, values) in request.Query)
        {
            var field = route.Method.InputType.Fields.InDeclarationOrder()
                .FirstOrDefault(f => f.JsonName == name || f.Name == name)
                ?? throw ServiceException.InvalidArgument(name, $"is not a parameter of {route.Method.Name}");
            if (route.PathFields.Contains(field))
            {
                throw ServiceException.InvalidArgument(name, "is already given by the path");
            }

            if (field.Name == route.Body)
            {
                throw ServiceException.InvalidArgument(name, "is the request body; send it as the body");
            }

            if (inBody.Contains(field))
            {
                // Neither copy silently wins: the two may disagree, and the caller should know which one counts.
                throw ServiceException.InvalidArgument(name, "is given both in the body and in the query string; give it once");
            }

            SetScalar(message, field, values[^1] ?? string.Empty, name);
        }

        UpdateMask.DeriveFromBody(route, message, bodyJson);

        return message;
    }

    private static string WrapInField(HttpRoute route, string json) =>
        $"{{{JsonSerializer.Serialize(route.Method.InputType.FindFieldByName(route.Body).JsonName)}:{json}}}";

    /// <summary>
    /// Parses with the proto3 JSON parser. Its messages do not always say which field failed, so on a
    /// failure each property is parsed alone to find and name the culprit. Returns the fields the JSON gave.
    /// </summary>
    private static HashSet<FieldDescriptor> MergeJson(IMessage message, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 2 } path ? path[2..] : "body";
            throw new ServiceException(
                Contracts.Common.V1.ErrorCode.InvalidArgument,
                $"the request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}, near '{where}')",
                where);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ServiceException.InvalidArgument("body", $"must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }

            JsonInt64.EnsureExact(document.RootElement, message.Descriptor);
            try
            {
                var parsed = Parser.Parse(json, message.Descriptor);
                message.MergeFrom(parsed.ToByteString());
                return document.RootElement.EnumerateObject()
                    .Select(property => message.Descriptor.Fields.InDeclarationOrder().First(f => f.JsonName == property.Name || f.Name == property.Name))
                    .ToHashSet();
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var field = message.Descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
                    if (field is null)
                    {
                        throw ServiceException.InvalidArgument(property.Name, $"is not a field of {message.Descriptor.Name}");
                    }

                    try
                    {
                        Parser.Parse($"{{{JsonSerializer.Serialize(property.Name)}:{property.Value.GetRawText()}}}", message.Descriptor);
                    }
                    catch (Exception fieldError) when (fieldError is InvalidProtocolBufferException or InvalidJsonException or FormatException)
                    {
                        throw ServiceException.InvalidArgument(field.JsonName, $"expected {Describe(field)}, got {Describe(property.Value)} ({fieldError.Message})");
                    }
                }

                throw ServiceException.InvalidArgument("body", ex.Message);
            }
        }
    }

    internal static void SetScalar(IMessage message, FieldDescriptor field, string text, string name)
    {
        if (field.IsRepeated || field.IsMap || field.FieldType is FieldType.Message or FieldType.Group)
        {
            throw ServiceException.InvalidArgument(name, "cannot be given in the path or query string; send it in a JSON body");
        }

        object? value = field.FieldType switch
        {
            FieldType.String => text,
            FieldType.Bool => bool.TryParse(text, out var b) ? b : null,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : null,
            FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ul) ? ul : null,
            FieldType.Double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            FieldType.Float => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : null,
            FieldType.Bytes => TryBase64(text),
            FieldType.Enum => ParseEnum(field.EnumType, text),
            _ => null,
        };

        if (value is null)
        {
            throw ServiceException.InvalidArgument(name, $"expected {Describe(field)}, got '{text}'");
        }

        field.Accessor.SetValue(message, value);
    }

    private static ByteString? TryBase64(string text)
    {
        // Path and query values are often base64url; accept both alphabets, padded or not.
        var standard = text.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        try
        {
            return ByteString.FromBase64(standard);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static object? ParseEnum(EnumDescriptor type, string text)
    {
        var value = type.FindValueByName(text)
            ?? type.Values.FirstOrDefault(v => v.Name.EndsWith("_" + text, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? type.FindValueByNumber(n) : null);
        return value is null ? null : Enum.ToObject(type.ClrType, value.Number);
    }

    private static string Describe(FieldDescriptor field) => field.FieldType switch
    {
        _ when field.IsMap => "an object (map)",
        _ when field.IsRepeated => "an array",
        FieldType.String => "a string",
        FieldType.Bool => "true or false",
        FieldType.Bytes => "base64 text",
        FieldType.Enum => $"one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Message => $"an object ({field.MessageType.Name})",
        FieldType.Double or FieldType.Float => "a number",
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => "an integer (number or decimal string)",
        _ => "an integer",
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {value.GetRawText()}",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}

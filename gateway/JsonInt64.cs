using System.Globalization;
using System.Numerics;
using System.Text.Json;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Gateway;

/// <summary>
/// Google.Protobuf's JsonParser reads every JSON number as a double, so an int64 sent as the number
/// 9007199254740993 (2^53 + 1) would arrive as 9007199254740992, without a word. The proto3 JSON mapping takes
/// 64-bit integers as numbers or as decimal strings, and strings are parsed exactly; a number that a double
/// cannot hold is refused, naming the field, rather than changed.
/// </summary>
internal static class JsonInt64
{
    public static void EnsureExact(JsonElement json, MessageDescriptor message, string path = "")
    {
        // Well-known types have JSON forms of their own (Timestamp as text, Struct numbers are doubles anyway).
        if (json.ValueKind != JsonValueKind.Object || message.File.Package == "google.protobuf")
        {
            return;
        }

        foreach (var property in json.EnumerateObject())
        {
            // An unknown name is the parser's to refuse, with its own message.
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            if (field is null)
            {
                continue;
            }

            var name = path.Length == 0 ? field.JsonName : $"{path}.{field.JsonName}";
            if (field.IsMap && property.Value.ValueKind == JsonValueKind.Object)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (var entry in property.Value.EnumerateObject())
                {
                    Value(entry.Value, valueField, $"{name}.{entry.Name}");
                }
            }
            else if (field.IsRepeated && property.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in property.Value.EnumerateArray())
                {
                    Value(item, field, $"{name}[{index++}]");
                }
            }
            else
            {
                Value(property.Value, field, name);
            }
        }
    }

    private static void Value(JsonElement value, FieldDescriptor field, string name)
    {
        switch (field.FieldType)
        {
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64:
                Number(value, name);
                break;
            case FieldType.Message when field.MessageType.FullName == Int64Value.Descriptor.FullName || field.MessageType.FullName == UInt64Value.Descriptor.FullName:
                Number(value, name);
                break;
            case FieldType.Message:
                EnsureExact(value, field.MessageType, name);
                break;
        }
    }

    private static void Number(JsonElement value, string name)
    {
        // Only a whole number matters here: the parser refuses fractions and values out of range on its own.
        if (value.ValueKind != JsonValueKind.Number
            || !decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var sent)
            || sent != decimal.Truncate(sent))
        {
            return;
        }

        var asDouble = value.GetDouble();
        if (new BigInteger(asDouble) != new BigInteger(sent))
        {
            throw ServiceException.InvalidArgument(
                name,
                $"{value.GetRawText()} is beyond what a JSON number carries exactly (2^53) and would become {new BigInteger(asDouble)}; send 64-bit integers as strings: \"{sent:0}\"");
        }
    }
}

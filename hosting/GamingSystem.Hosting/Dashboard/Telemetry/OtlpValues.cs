using System.Globalization;
using GamingSystem.Hosting.Dashboard.Otlp;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace GamingSystem.Hosting.Dashboard.Telemetry;

/// <summary>Turns OTLP's wire values into the plain strings and times the dashboard shows.</summary>
internal static class OtlpValues
{
    public static string Hex(ByteString id) => id.IsEmpty ? string.Empty : Convert.ToHexStringLower(id.Span);

    public static DateTimeOffset Time(ulong unixNanos) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    public static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {Text(kv.Value)}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => string.Empty,
    };

    public static Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            result[attribute.Key] = Text(attribute.Value);
        }

        return result;
    }

    /// <summary>The resource as the dashboard names it: <c>service.name</c> (the AppHost's resource name) and instance id.</summary>
    public static (string Service, string Instance) Identify(Resource? resource)
    {
        var attributes = resource is null ? [] : Attributes(resource.Attributes);
        var service = attributes.GetValueOrDefault("service.name", "unknown");
        return (service, attributes.GetValueOrDefault("service.instance.id", service));
    }
}

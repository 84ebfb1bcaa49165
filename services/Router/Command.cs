using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace GamingSystem.Router;

/// <summary>
/// One player command: its verb and usage, the proto method that serves it, how its words become that method's
/// request, and a reply template whose <c>{field}</c> placeholders are fields of the response in proto3 JSON
/// (<c>{balance}</c>, <c>{offer.title}</c>, <c>{quests.length}</c> for a list's size). A <c>[region]</c> in the usage
/// is optional and, when left out, is the region the player is in.
/// </summary>
public sealed partial record Command(
    string Verb,
    string Usage,
    string Description,
    MethodDescriptor Target,
    Func<IReadOnlyList<string>, IMessage> Request,
    string Reply)
{
    /// <summary>Words after the verb this command needs: one per <c>&lt;...&gt;</c> in its usage.</summary>
    public int Arguments { get; } = ArgumentPattern().Count(Usage);

    /// <summary>Whether the command takes an optional <c>[region]</c> that defaults to where the player is.</summary>
    public bool RegionDefaultsToLocation { get; } = Usage.EndsWith("[region]", StringComparison.Ordinal);

    /// <summary>The reply, its placeholders filled from the response's JSON.</summary>
    public string Format(Google.Protobuf.WellKnownTypes.Struct result) =>
        Placeholder().Replace(Reply, match => Lookup(result, match.Groups[1].Value));

    private static string Lookup(Google.Protobuf.WellKnownTypes.Struct result, string path)
    {
        Google.Protobuf.WellKnownTypes.Value? value = null;
        var current = result;
        foreach (var part in path.Split('.'))
        {
            if (part == "length" && value?.ListValue is { } list)
            {
                return list.Values.Count.ToString(CultureInfo.InvariantCulture);
            }

            if (current is null || !current.Fields.TryGetValue(part, out value))
            {
                return part == "length" ? "0" : "?";
            }

            current = value.StructValue;
        }

        return value!.KindCase switch
        {
            Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue => value.StringValue,
            Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue => value.NumberValue.ToString(CultureInfo.InvariantCulture),
            Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue => value.BoolValue ? "yes" : "no",
            _ => "?",
        };
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex ArgumentPattern();

    [GeneratedRegex(@"\{([a-zA-Z0-9_.]+)\}")]
    private static partial Regex Placeholder();
}

using System.Globalization;
using System.Text;

namespace GamingSystem.LanguageSystem.Catalog;

/// <summary>
/// Fills a string's <c>{name}</c> placeholders; <c>{{</c> and <c>}}</c> are literal braces. A placeholder without a
/// value is the caller's mistake and is named, rather than shown to a player as "{name}".
/// </summary>
public static class MessageFormat
{
    public const string CountArgument = "count";

    public static string Format(string template, IReadOnlyDictionary<string, string> args)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(args);
        var text = new StringBuilder(template.Length + 16);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                text.Append(c);
                i++;
                continue;
            }

            if (c != '{')
            {
                text.Append(c);
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                text.Append(template, i, template.Length - i);
                break;
            }

            var name = template[(i + 1)..end];
            if (!args.TryGetValue(name, out var value))
            {
                throw new MissingArgumentException(name);
            }

            text.Append(value);
            i = end;
        }

        return text.ToString();
    }

    /// <summary>The placeholders a template names.</summary>
    public static IEnumerable<string> Placeholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                i++;
            }
            else if (template[i] == '{' && template.IndexOf('}', i + 1) is var end and > 0)
            {
                yield return template[(i + 1)..end];
                i = end;
            }
        }
    }

    /// <summary>A count as the locale writes it: grouped thousands with the locale's separator (CLDR).</summary>
    public static string Count(string locale, long count)
    {
        var digits = count.ToString(CultureInfo.InvariantCulture);
        var (separator, minimumGroupingDigits) = locale switch
        {
            "de" => (".", 1),
            // Spanish groups only from five digits: 1000, but 10.000.
            "es" => (".", 2),
            // French and Russian separate thousands with a (narrow) no-break space.
            "fr" => ("\u202F", 1),
            "ru" => ("\u00A0", 1),
            _ => (",", 1),
        };
        var sign = count < 0 ? "-" : "";
        var number = count < 0 ? digits[1..] : digits;
        if (number.Length < 4 + (minimumGroupingDigits - 1))
        {
            return digits;
        }

        var grouped = new StringBuilder();
        var head = number.Length % 3 == 0 ? 3 : number.Length % 3;
        grouped.Append(number, 0, head);
        for (var i = head; i < number.Length; i += 3)
        {
            grouped.Append(separator).Append(number, i, 3);
        }

        return sign + grouped;
    }
}

public sealed class MissingArgumentException(string name) : Exception($"no value for the placeholder {{{name}}}")
{
    public string Name { get; } = name;
}

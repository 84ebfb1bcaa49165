using System.Collections.Frozen;
using System.Text.Json;
using GamingSystem.Contracts;

namespace GamingSystem.LanguageSystem.Catalog;

/// <summary>
/// The strings that ship with the service: one embedded JSON file per offered locale, key -> text, or key ->
/// {plural category -> text} for a string with plural forms. Loaded once; small (a few KB per locale).
/// </summary>
public sealed class StringCatalog
{
    public const string DefaultLocale = "en";

    private readonly FrozenDictionary<string, FrozenDictionary<string, IReadOnlyDictionary<string, string>>> _locales;

    public StringCatalog()
        : this(Locales.Offered.ToDictionary(locale => locale, Load))
    {
    }

    public StringCatalog(IReadOnlyDictionary<string, Dictionary<string, IReadOnlyDictionary<string, string>>> locales)
    {
        ArgumentNullException.ThrowIfNull(locales);
        _locales = locales.ToFrozenDictionary(l => l.Key, l => l.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> LocaleCodes => _locales.Keys;

    public bool HasLocale(string locale) => _locales.ContainsKey(locale);

    /// <summary>The shipped forms of a string, or null when the locale does not have it.</summary>
    public IReadOnlyDictionary<string, string>? Find(string locale, string key) =>
        _locales.TryGetValue(locale, out var strings) && strings.TryGetValue(key, out var forms) ? forms : null;

    public IEnumerable<string> KeysOf(string locale) =>
        _locales.TryGetValue(locale, out var strings) ? strings.Keys : [];

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Load(string locale)
    {
        using var stream = typeof(StringCatalog).Assembly.GetManifestResourceStream($"Catalogs/{locale}.json")
            ?? throw new InvalidOperationException($"The catalogue of '{locale}' is not embedded (Resources/Catalogs/{locale}.json).");
        using var json = JsonDocument.Parse(stream);
        var strings = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            strings[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? new Dictionary<string, string> { [PluralRules.Other] = entry.Value.GetString()! }
                : entry.Value.EnumerateObject().ToDictionary(form => form.Name, form => form.Value.GetString()!, StringComparer.Ordinal);
        }

        return strings;
    }
}

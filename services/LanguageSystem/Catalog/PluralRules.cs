namespace GamingSystem.LanguageSystem.Catalog;

/// <summary>
/// CLDR cardinal plural rules (plurals.xml, CLDR 44) for whole numbers, the only counts the contract carries: the
/// operands v (visible fraction digits) and e (compact exponent) are 0, so i = n = |count|. "other" is what a
/// locale uses for every number no other rule names (fractions included, which Russian needs "other" for).
/// </summary>
public static class PluralRules
{
    public const string One = "one";
    public const string Few = "few";
    public const string Many = "many";
    public const string Other = "other";

    private static readonly Dictionary<string, string[]> Categories = new(StringComparer.Ordinal)
    {
        ["en"] = [One, Other],
        ["de"] = [One, Other],
        ["fr"] = [One, Many, Other],
        ["es"] = [One, Many, Other],
        ["ru"] = [One, Few, Many, Other],
        ["ja"] = [Other],
    };

    /// <summary>The locales these rules cover.</summary>
    public static IEnumerable<string> Locales => Categories.Keys;

    /// <summary>The categories <paramref name="locale"/> distinguishes, in CLDR order.</summary>
    public static IReadOnlyList<string> CategoriesOf(string locale) =>
        Categories.TryGetValue(locale, out var categories) ? categories : [Other];

    /// <summary>The category of <paramref name="count"/> items in <paramref name="locale"/>.</summary>
    public static string Select(string locale, long count)
    {
        // Absolute value: CLDR's rules are defined on the number's digits, so -1 is "one" as 1 is.
        var i = count == long.MinValue ? long.MaxValue : Math.Abs(count);
        return locale switch
        {
            // one: i = 1 and v = 0
            "en" or "de" => i == 1 ? One : Other,
            // one: i = 0,1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0
            "fr" => i is 0 or 1 ? One : Millions(i) ? Many : Other,
            // one: n = 1; many: as French
            "es" => i == 1 ? One : Millions(i) ? Many : Other,
            "ru" => Russian(i),
            _ => Other,
        };
    }

    private static bool Millions(long i) => i != 0 && i % 1_000_000 == 0;

    // one: v = 0 and i % 10 = 1 and i % 100 != 11
    // few: v = 0 and i % 10 = 2..4 and i % 100 != 12..14
    // many: v = 0 and i % 10 = 0 or v = 0 and i % 10 = 5..9 or v = 0 and i % 100 = 11..14
    private static string Russian(long i)
    {
        var (mod10, mod100) = (i % 10, i % 100);
        if (mod10 == 1 && mod100 != 11)
        {
            return One;
        }

        return mod10 is >= 2 and <= 4 && mod100 is not (>= 12 and <= 14) ? Few : Many;
    }
}

using GamingSystem.LanguageSystem.Catalog;

namespace GamingSystem.Language.Tests;

public sealed class PluralRulesTests
{
    [Theory]
    [InlineData(1, "one")]
    [InlineData(2, "few")]
    [InlineData(4, "few")]
    [InlineData(5, "many")]
    [InlineData(11, "many")]
    [InlineData(12, "many")]
    [InlineData(14, "many")]
    [InlineData(21, "one")]
    [InlineData(22, "few")]
    [InlineData(25, "many")]
    [InlineData(0, "many")]
    [InlineData(101, "one")]
    [InlineData(111, "many")]
    [InlineData(112, "many")]
    [InlineData(1002, "few")]
    public void Russian_distinguishes_one_few_and_many_by_the_last_digits(long count, string category) =>
        Assert.Equal(category, PluralRules.Select("ru", count));

    [Theory]
    [InlineData("fr", 0, "one")]
    [InlineData("fr", 1, "one")]
    [InlineData("fr", 2, "other")]
    [InlineData("fr", 1_000_000, "many")]
    [InlineData("es", 0, "other")]
    [InlineData("es", 1, "one")]
    [InlineData("es", 2_000_000, "many")]
    [InlineData("en", 0, "other")]
    [InlineData("en", 1, "one")]
    [InlineData("en", -1, "one")]
    [InlineData("de", 1, "one")]
    [InlineData("de", 1_000_000, "other")]
    [InlineData("ja", 1, "other")]
    [InlineData("ja", 5, "other")]
    public void Each_locale_follows_its_cldr_rule(string locale, long count, string category) =>
        Assert.Equal(category, PluralRules.Select(locale, count));

    [Fact]
    public void Every_category_a_rule_selects_is_among_the_locales_declared_categories()
    {
        foreach (var locale in PluralRules.Locales)
        {
            for (long n = 0; n < 2_000; n++)
            {
                Assert.Contains(PluralRules.Select(locale, n), PluralRules.CategoriesOf(locale));
            }
        }
    }

    [Fact]
    public void Every_shipped_plural_string_has_every_category_of_its_locale()
    {
        var catalog = new StringCatalog();
        foreach (var locale in catalog.LocaleCodes)
        {
            foreach (var key in catalog.KeysOf(locale))
            {
                var forms = catalog.Find(locale, key)!;
                Assert.Contains(PluralRules.Other, forms.Keys);
                Assert.True(forms.Count == 1 || PluralRules.CategoriesOf(locale).All(forms.ContainsKey), $"{locale}/{key} lacks a plural form");
                Assert.All(forms.Keys, category => Assert.Contains(category, PluralRules.CategoriesOf(locale)));
            }
        }
    }

    [Fact]
    public void Every_locale_ships_the_same_keys_as_english()
    {
        var catalog = new StringCatalog();
        var english = catalog.KeysOf("en").Order().ToList();
        Assert.Equal(6, catalog.LocaleCodes.Count);
        Assert.All(catalog.LocaleCodes, locale => Assert.Equal(english, catalog.KeysOf(locale).Order().ToList()));
    }
}

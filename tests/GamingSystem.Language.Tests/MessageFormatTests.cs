using GamingSystem.LanguageSystem.Catalog;

namespace GamingSystem.Language.Tests;

public sealed class MessageFormatTests
{
    [Fact]
    public void Placeholders_are_filled_and_doubled_braces_are_literal() =>
        Assert.Equal("Hi Ana, {you} have 3", MessageFormat.Format("Hi {name}, {{you}} have {n}", new Dictionary<string, string> { ["name"] = "Ana", ["n"] = "3" }));

    [Fact]
    public void A_placeholder_without_a_value_is_named()
    {
        var error = Assert.Throws<MissingArgumentException>(() => MessageFormat.Format("Quest accepted: {quest}", new Dictionary<string, string>()));
        Assert.Equal("quest", error.Name);
    }

    [Theory]
    [InlineData("en", 1234567, "1,234,567")]
    [InlineData("de", 1234567, "1.234.567")]
    [InlineData("es", 1234, "1234")]
    [InlineData("es", 12345, "12.345")]
    [InlineData("ru", 21, "21")]
    [InlineData("ru", 1000, "1\u00A0000")]
    [InlineData("fr", -1000, "-1\u202F000")]
    public void Counts_are_grouped_as_the_locale_writes_them(string locale, long count, string expected) =>
        Assert.Equal(expected, MessageFormat.Count(locale, count));
}

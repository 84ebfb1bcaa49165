using GamingSystem.KnowledgeBase.Domain;

namespace GamingSystem.Content.Tests;

public sealed class TextAnalyzerTests
{
    [Fact]
    public void Terms_are_lower_case_words_without_stop_words_plurals_or_possessives()
    {
        Assert.Equal(["hollow", "king", "crown", "reed", "ferry", "tower"], TextAnalyzer.Terms("The Hollow King's crown of reeds, ferries & towers!"));
    }

    [Theory]
    [InlineData("ferries", "ferry")]
    [InlineData("marches", "march")]
    [InlineData("glass", "glass")]
    [InlineData("status", "status")]
    [InlineData("towers", "tower")]
    [InlineData("gas", "gas")]
    public void The_stemmer_takes_off_plural_endings_only(string word, string stem) => Assert.Equal(stem, TextAnalyzer.Stem(word));

    [Fact]
    public void Frequencies_count_each_term_and_the_length_counts_terms()
    {
        var (frequencies, length) = TextAnalyzer.Frequencies("Ferry, ferries and the ferry-man");

        Assert.Equal(3, frequencies["ferry"]);
        Assert.Equal(1, frequencies["man"]);
        Assert.Equal(4, length);
    }
}

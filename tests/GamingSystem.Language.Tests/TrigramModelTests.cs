using GamingSystem.LanguageSystem.Detection;
using GamingSystem.LanguageSystem.Translation;

namespace GamingSystem.Language.Tests;

public sealed class TrigramModelTests
{
    private static readonly TrigramModel Model = TrigramModel.FromResources();

    [Fact]
    public void At_least_nine_in_ten_of_the_labelled_sentences_are_recognised_and_every_language_mostly()
    {
        var wrong = LanguageSamples.All.Where(s => Model.Detect(s.Text)[0].Locale != s.Locale).ToList();

        Assert.Equal(60, LanguageSamples.All.Count);
        Assert.True(wrong.Count <= 6, $"{wrong.Count} wrong: {string.Join(" | ", wrong.Select(w => $"{w.Locale}: {w.Text} -> {Model.Detect(w.Text)[0].Locale}"))}");
        Assert.All(LanguageSamples.All.GroupBy(s => s.Locale), language => Assert.True(language.Count(s => Model.Detect(s.Text)[0].Locale == s.Locale) >= 8, language.Key));
    }

    [Fact]
    public void Confidences_cover_every_locale_best_first_and_sum_to_one()
    {
        var scores = Model.Detect("Der Hund schläft unter dem Tisch in der Küche.");

        Assert.Equal("de", scores[0].Locale);
        Assert.Equal(6, scores.Count);
        Assert.Equal(1.0, scores.Sum(s => s.Confidence), 6);
        Assert.Equal(scores.OrderByDescending(s => s.Confidence).Select(s => s.Locale), scores.Select(s => s.Locale));
    }

    [Fact]
    public void Text_without_letters_has_no_language() => Assert.Empty(Model.Detect("12345 !!! ..."));

    [Fact]
    public void Trigrams_mark_word_boundaries_and_ignore_case_and_punctuation() =>
        Assert.Equal([" th", "the", "he ", "e c", " ca", "cat", "at "], TrigramModel.Trigrams("The, CAT!"));
}

public sealed class GlossaryTests
{
    private static readonly Glossary Glossary = Glossary.FromResources();

    [Fact]
    public void Known_words_are_replaced_unknown_ones_kept_and_capitals_follow_the_source()
    {
        var result = Glossary.Translate("Welcome to the city, Aldric!", "en", "de");

        Assert.Equal("Willkommen zu der Stadt, Aldric!", result.Text);
        Assert.Equal((5, 4), (result.Words, result.Translated));
    }

    [Fact]
    public void Japanese_is_read_by_longest_match_and_written_without_spaces()
    {
        Assert.Equal("剣と盾", Glossary.Translate("sword and shield", "en", "ja").Text);
        Assert.Equal("sword and shield", Glossary.Translate("剣と盾", "ja", "en").Text);
    }

    [Fact]
    public void A_word_with_no_equivalent_is_dropped() =>
        Assert.Equal("меч", Glossary.Translate("the sword", "en", "ru").Text);
}

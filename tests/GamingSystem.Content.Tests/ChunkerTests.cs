using GamingSystem.KnowledgeBase.Domain;

namespace GamingSystem.Content.Tests;

public sealed class ChunkerTests
{
    [Fact]
    public void Each_paragraph_starts_a_passage_and_a_passage_keeps_whole_sentences_under_the_word_limit()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("word", 25)) + ".";
        var text = $"{sentence} {sentence} {sentence}\n\nA second paragraph. It is short.";

        var chunks = Chunker.Split(text);

        Assert.Equal([$"{sentence} {sentence}", sentence, "A second paragraph. It is short."], chunks);
    }

    [Fact]
    public void A_sentence_longer_than_the_limit_is_a_passage_of_its_own_and_blank_text_has_none()
    {
        var longSentence = string.Join(' ', Enumerable.Repeat("word", Chunker.MaxWords + 10)) + ".";

        Assert.Equal([longSentence, "Short."], Chunker.Split($"{longSentence} Short."));
        Assert.Empty(Chunker.Split("  \n\n  "));
    }

    [Fact]
    public void Sentences_end_at_stops_followed_by_space_or_the_end()
    {
        Assert.Equal(["It is 3.5 leagues away.", "Really?", "Yes!", "and more"], Chunker.Sentences("It is 3.5 leagues away. Really?  Yes!\nand more"));
    }
}

using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.KnowledgeBase.Domain;

namespace GamingSystem.Content.Tests;

public sealed class ExtractiveAnswerTests
{
    private static readonly Passage Beacons = new() { DocId = "beacons", Text = "The towers stand in the north. Every tower lights its beacon when the horns sound. The wardens are silent." };
    private static readonly Passage Horns = new() { DocId = "horns", Text = "The horns are carved from bone. They sound in winter." };

    [Fact]
    public void The_answer_quotes_the_sentences_that_share_the_most_words_with_the_question_marked_by_passage()
    {
        var (answer, used) = ExtractiveAnswer.Compose("When does a tower light its beacon?", [Beacons, Horns]);

        Assert.Equal("Every tower lights its beacon when the horns sound. [1]", answer);
        Assert.Equal([0], used);
    }

    [Fact]
    public void Sentences_from_several_passages_are_cited_each()
    {
        var (answer, used) = ExtractiveAnswer.Compose("What are the horns carved from, and when do they sound?", [Beacons, Horns]);

        Assert.Contains("[1]", answer, StringComparison.Ordinal);
        Assert.Contains("The horns are carved from bone. [2]", answer, StringComparison.Ordinal);
        Assert.Equal([0, 1], used);
    }

    [Fact]
    public void No_passages_no_citations()
    {
        var (answer, used) = ExtractiveAnswer.Compose("anything", []);

        Assert.Equal("The lore holds nothing on that.", answer);
        Assert.Empty(used);
    }
}

using GamingSystem.StoryTeller.Domain;

namespace GamingSystem.Content.Tests;

public sealed class StoryPlannerTests
{
    [Fact]
    public void Every_beat_offers_two_to_four_distinct_choices_named_for_their_beat()
    {
        for (var index = 0; index < 12; index++)
        {
            var choices = StoryPlanner.Choices("arc-test", index);

            Assert.InRange(choices.Count, 2, 4);
            Assert.Equal(choices.Count, choices.Select(c => c.Text).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, choices.Count).Select(n => $"b{index}-{n}"), choices.Select(c => c.Id));
        }
    }

    [Fact]
    public void The_plan_is_the_same_for_the_same_arc_and_beat_and_differs_between_arcs()
    {
        Assert.Equal(StoryPlanner.Choices("arc-a", 3), StoryPlanner.Choices("arc-a", 3));
        Assert.Equal(StoryPlanner.FallbackText("arc-a", "revenge", 3, "Strike a bargain"), StoryPlanner.FallbackText("arc-a", "revenge", 3, "Strike a bargain"));
        Assert.Equal(StoryPlanner.Seed("arc-a", 3), StoryPlanner.Seed("arc-a", 3));
        Assert.NotEqual(StoryPlanner.Seed("arc-a", 3), StoryPlanner.Seed("arc-b", 3));
        Assert.Contains(Enumerable.Range(0, 20), i => StoryPlanner.FallbackText($"arc-{i}", "revenge", 0, null) != StoryPlanner.FallbackText("arc-x", "revenge", 0, null));
    }

    [Fact]
    public void The_fallback_text_follows_the_choice_made_speaks_of_the_theme_and_ends_at_a_decision()
    {
        var text = StoryPlanner.FallbackText("arc-a", "the lost heir", 2, "Travel by night, as the lamplighters did");

        Assert.StartsWith("You chose to travel by night, as the lamplighters did. ", text, StringComparison.Ordinal);
        Assert.Contains("the lost heir", text, StringComparison.Ordinal);
        Assert.EndsWith("What do you do?", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, Stage.Opening)]
    [InlineData(2, Stage.Rising)]
    [InlineData(3, Stage.Complication)]
    [InlineData(5, Stage.Climax)]
    [InlineData(9, Stage.Aftermath)]
    public void The_index_decides_the_part_of_the_story(int index, Stage stage) => Assert.Equal(stage, StoryPlanner.StageOf(index));
}

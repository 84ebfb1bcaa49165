using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.QuestSystem.Domain;

namespace GamingSystem.Economy.Tests;

public sealed class QuestGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_quest_and_another_seed_usually_another()
    {
        var a = QuestGenerator.Plan("ashford", Difficulty.Hard, 42, "GLD");
        var b = QuestGenerator.Plan("ashford", Difficulty.Hard, 42, "GLD");
        var others = Enumerable.Range(1, 20).Select(seed => QuestGenerator.Plan("ashford", Difficulty.Hard, (ulong)seed, "GLD")).ToList();

        Assert.Equal(a.Objectives, b.Objectives);
        Assert.Equal(a.Reward, b.Reward);
        Assert.Equal(QuestGenerator.FallbackText(a, 42), QuestGenerator.FallbackText(b, 42));
        Assert.True(others.Select(p => string.Join("|", p.Objectives.Select(o => o.Description))).Distinct().Count() > 10, "twenty seeds should give varied quests");
    }

    [Theory]
    [InlineData(Difficulty.Easy, 1, 2, 4, 50, 60)]
    [InlineData(Difficulty.Normal, 2, 4, 7, 120, 144)]
    [InlineData(Difficulty.Hard, 3, 6, 10, 300, 360)]
    [InlineData(Difficulty.Legendary, 4, 10, 15, 800, 960)]
    public void Difficulty_sets_the_number_of_objectives_their_counts_and_the_reward(Difficulty difficulty, int objectives, int min, int max, long rewardMin, long rewardMax)
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            var plan = QuestGenerator.Plan("iron-hills", difficulty, seed, "SLV");

            Assert.Equal(objectives, plan.Objectives.Count);
            Assert.Equal(objectives, plan.Objectives.Select(o => o.Kind).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, objectives).Select(i => $"o{i}"), plan.Objectives.Select(o => o.Id));
            Assert.All(plan.Objectives, o =>
            {
                Assert.Equal(0, o.Progress);
                Assert.Contains("Iron Hills", o.Description, StringComparison.Ordinal);
                if (o.Kind is ObjectiveKind.Collect or ObjectiveKind.Defeat)
                {
                    Assert.InRange(o.Required, min, max);
                }
                else
                {
                    Assert.Equal(1, o.Required);
                }
            });
            Assert.InRange(plan.Reward.Amount, rewardMin, rewardMax);
            Assert.Equal("SLV", plan.Reward.Currency);
        }
    }

    [Fact]
    public void The_fallback_text_tells_the_objectives_and_the_reward()
    {
        var plan = QuestGenerator.Plan("misty-marsh", Difficulty.Normal, 7, "GLD");

        var (title, description) = QuestGenerator.FallbackText(plan, 7);

        Assert.False(string.IsNullOrWhiteSpace(title));
        Assert.InRange(title.Length, 1, QuestGenerator.MaxTitleLength);
        Assert.All(plan.Objectives, o => Assert.Contains(o.Description, description, StringComparison.Ordinal));
        Assert.EndsWith($"Reward: {plan.Reward.Amount} GLD.", description, StringComparison.Ordinal);
        Assert.Contains("Misty Marsh", QuestGenerator.Prompt(plan, Difficulty.Normal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("The Wolves of Ashford\nHunt them down before dusk.", "The Wolves of Ashford", "Hunt them down before dusk.")]
    [InlineData("Title: \"Ember Road\"\n\nWalk it.\nDo not look back.", "Ember Road", "Walk it. Do not look back.")]
    [InlineData("## **Ember Road**\nWalk it.", "Ember Road", "Walk it.")]
    [InlineData("Short Title", "Short Title", "fallback description")]
    [InlineData("", "fallback title", "fallback description")]
    public void Ai_text_becomes_a_title_and_a_description_and_gaps_are_filled_from_the_fallback(string text, string title, string description)
    {
        Assert.Equal((title, description), QuestGenerator.ParseAiText(text, ("fallback title", "fallback description")));
    }

    [Fact]
    public void A_long_single_line_is_a_description_and_everything_is_capped()
    {
        var line = new string('x', 300);
        var (title, description) = QuestGenerator.ParseAiText(line, ("t", "d"));
        var (longTitle, longDescription) = QuestGenerator.ParseAiText(new string('y', 200) + "\n" + new string('z', 5000), ("t", "d"));

        Assert.Equal(("t", line), (title, description));
        Assert.Equal(QuestGenerator.MaxTitleLength, longTitle.Length);
        Assert.Equal(QuestGenerator.MaxDescriptionLength, longDescription.Length);
    }

    [Fact]
    public void Region_names_and_seeds_are_stable()
    {
        Assert.Equal("Iron Hills", QuestGenerator.RegionName("iron-hills"));
        Assert.Equal("Ashford", QuestGenerator.RegionName("ashford"));
        // FNV-1a of "a", fixed forever: seeds must not change between processes or runtimes.
        Assert.Equal(0xAF63DC4C8601EC8CUL, QuestGenerator.Seed("a"));
        Assert.NotEqual(QuestGenerator.Seed("quest-1"), QuestGenerator.Seed("quest-2"));
    }
}

using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.NpcBehavior.Domain;

namespace GamingSystem.Content.Tests;

public sealed class PersonaLineTests
{
    private static readonly Npc Smuggler = new() { Name = "Orla", Persona = "a gruff smuggler of Saltmoor", Traits = new Traits { Aggression = 0.9, Greed = 0.8 } };

    [Fact]
    public void The_line_picks_up_the_players_topic_the_npcs_manner_persona_and_pressing_need()
    {
        var line = PersonaLine.Compose(Smuggler, new Needs { Hunger = 0.9 }, "Have you heard of the dragon Ashveil?", 42);

        Assert.Contains("Ashveil", line, StringComparison.Ordinal);
        Assert.Contains("not eaten", line, StringComparison.Ordinal);
        Assert.EndsWith("(Orla, a gruff smuggler of Saltmoor.)", line, StringComparison.Ordinal);
        Assert.Equal("hostile", PersonaLine.Manner(Smuggler.Traits));
    }

    [Fact]
    public void The_same_seed_gives_the_same_line_and_a_calm_npc_does_not_complain()
    {
        var first = PersonaLine.Compose(Smuggler, new Needs(), "hello", 7);

        Assert.Equal(first, PersonaLine.Compose(Smuggler, new Needs(), "hello", 7));
        Assert.DoesNotContain("eaten", first, StringComparison.Ordinal);
        Assert.Null(PersonaLine.Topic("hello, how are you?"));
        Assert.Equal("Beacons", PersonaLine.Topic("what about the BEACONS?"));
    }

    [Theory]
    [InlineData(0.1, 0.9, 0.5, "warm")]
    [InlineData(0.1, 0.1, 0.1, "timid")]
    [InlineData(0.1, 0.1, 0.5, "plain")]
    public void Manner_comes_from_aggression_sociability_then_bravery(double aggression, double sociability, double bravery, string manner) =>
        Assert.Equal(manner, PersonaLine.Manner(new Traits { Aggression = aggression, Sociability = sociability, Bravery = bravery }));
}

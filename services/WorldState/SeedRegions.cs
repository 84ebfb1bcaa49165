using GamingSystem.Contracts.WorldState.V1;

namespace GamingSystem.WorldState;

/// <summary>
/// The land of Varrow as the bundled lore tells it (services/KnowledgeBase/Lore): the regions written at the world's
/// first start. Neighbours go both ways; a test keeps them so.
/// </summary>
public static class SeedRegions
{
    /// <summary>Where a player who never moved is.</summary>
    public const string StartingRegion = "emberly";

    public static IReadOnlyList<Region> All { get; } =
    [
        Create("emberly", "Emberly", "Lamplighters", 1, 12_000, Climate.Temperate, ["town", "river", "glassworks"], ["saltmoor", "quill", "thornwood", "ember-coast"]),
        Create("saltmoor", "Saltmoor", "Smugglers' Compact", 3, 6_400, Climate.Coastal, ["town", "river", "harbour"], ["emberly", "sel-delta", "ember-coast"]),
        Create("quill", "Quill", "Order of the Quiet Flame", 1, 4_100, Climate.Temperate, ["town", "river", "library"], ["emberly", "spine-of-orun", "greywatch"]),
        Create("thornwood", "The Thornwood", "Unclaimed", 6, 300, Climate.Temperate, ["wild", "forest"], ["emberly", "hollow-marches", "glass-waste"]),
        Create("greywatch", "The Greywatch", "Warden Kings", 4, 900, Climate.Arctic, ["towers", "north"], ["quill", "hollow-marches", "spine-of-orun"]),
        Create("hollow-marches", "The Hollow Marches", "The Drowned Court", 8, 150, Climate.Temperate, ["marsh", "fog", "north"], ["greywatch", "thornwood"]),
        Create("spine-of-orun", "The Spine of Orun", "Dwarven Clans", 5, 2_500, Climate.Mountain, ["mountains", "dwarves", "mines"], ["quill", "greywatch", "glass-waste"]),
        Create("glass-waste", "The Glass Waste", "Unclaimed", 9, 40, Climate.Arid, ["desert", "east", "ruins"], ["thornwood", "spine-of-orun"]),
        Create("sel-delta", "The Sel Delta", "Innkeepers' Guild", 2, 5_200, Climate.Tropical, ["delta", "river", "south"], ["saltmoor"]),
        Create("ember-coast", "The Ember Coast", "Unclaimed", 5, 800, Climate.Coastal, ["coast", "west", "dragons"], ["emberly", "saltmoor"]),
    ];

    private static Region Create(string id, string name, string faction, int danger, long population, Climate climate, string[] tags, string[] neighbours) => new()
    {
        Id = id,
        Name = name,
        ControllingFaction = faction,
        Danger = danger,
        Population = population,
        Climate = climate,
        Tags = { tags },
        Neighbours = { neighbours },
        Version = 1,
    };
}

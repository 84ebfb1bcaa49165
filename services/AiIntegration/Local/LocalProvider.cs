namespace GamingSystem.AiIntegration.Local;

/// <summary>The built-in provider: works offline, needs no configuration, serves model-management's seeded local models.</summary>
internal static class LocalProvider
{
    public const string Name = "local";
    public const string Kind = "local";

    /// <summary>Model ids as model-management seeds them. A higher order follows the lore more closely.</summary>
    public static IReadOnlyDictionary<string, int> Orders { get; } = new Dictionary<string, int>
    {
        ["local-markov-small"] = 1,
        ["local-markov-large"] = 2,
    };

    public static AiProvider Create()
    {
        var lore = Lore();
        var client = new MarkovChatClient(Orders.ToDictionary(o => o.Key, o => new MarkovModel(lore, o.Value)));
        return new AiProvider(Name, Kind, client.ModelIds, client, Errors: null);
    }

    public static string Lore()
    {
        using var stream = typeof(LocalProvider).Assembly.GetManifestResourceStream("GamingSystem.AiIntegration.lore.txt")
            ?? throw new InvalidOperationException("The lore text is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

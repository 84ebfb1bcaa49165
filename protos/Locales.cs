namespace GamingSystem.Contracts;

/// <summary>The languages the game is offered in: language-system serves them, settings and onboarding accept them.</summary>
public static class Locales
{
    public static readonly IReadOnlyList<string> Offered = ["en", "de", "fr", "es", "ru", "ja"];
}

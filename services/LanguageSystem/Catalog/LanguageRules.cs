using System.Text.RegularExpressions;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.LanguageSystem.Catalog;

/// <summary>What language-system accepts; every violation names its field as the caller wrote it in JSON.</summary>
public static partial class LanguageRules
{
    public const int MaxKeyLength = 128;
    public const int MaxFormLength = 2000;
    public const int MaxArgs = 32;
    public const int MaxDetectLength = 10_000;
    public const int MaxTranslateLength = 2000;

    /// <summary>"de", "DE", "de-DE" and "de_AT" all mean "de"; null for anything that is no language tag.</summary>
    public static string? Language(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var match = TagPattern().Match(tag.Trim());
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    /// <summary>An offered locale, or INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    public static string OfferedLocale(string? tag, string field)
    {
        var language = Language(tag);
        if (language is null || !Locales.Offered.Contains(language, StringComparer.Ordinal))
        {
            throw ServiceException.InvalidArgument(field, $"'{Cut(tag ?? "")}' is not an offered locale; they are {string.Join(", ", Locales.Offered)}");
        }

        return language;
    }

    public static string Key(string? key)
    {
        if (string.IsNullOrEmpty(key) || !KeyPattern().IsMatch(key))
        {
            throw ServiceException.InvalidArgument("key", $"'{Cut(key ?? "")}' is not a string key: 1 to {MaxKeyLength} characters of a-z, 0-9, '.', '_' and '-', e.g. quest.reward");
        }

        return key;
    }

    public static string Text(string? text, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ServiceException.InvalidArgument(field, "is empty");
        }

        if (text.Length > max)
        {
            throw ServiceException.InvalidArgument(field, $"has {text.Length} characters; the limit is {max}");
        }

        return text;
    }

    public static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "...";

    [GeneratedRegex(@"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\z")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,127}\z")]
    private static partial Regex KeyPattern();
}

using System.Text.RegularExpressions;

namespace GamingSystem.AiIntegration;

/// <summary>
/// The word-level tokens the local provider generates and counts by: a run of letters, digits and apostrophes, or one
/// punctuation mark. Also the estimate of usage for a provider that reports none.
/// </summary>
public static partial class Tokens
{
    public static IEnumerable<string> Split(string text) => TokenPattern().Matches(text).Select(m => m.Value);

    public static int Count(string text) => TokenPattern().Count(text);

    /// <summary>The text a token adds after those before it: a space before a word, none before punctuation or at the start.</summary>
    public static string Delta(string token, bool first) => first || !IsWord(token) ? token : " " + token;

    public static bool IsWord(string token) => token.Length > 0 && (char.IsLetterOrDigit(token[0]) || token[0] == '\'');

    public static bool EndsSentence(string token) => token is "." or "!" or "?";

    [GeneratedRegex(@"[\p{L}\p{N}']+|[^\s\p{L}\p{N}']")]
    private static partial Regex TokenPattern();
}

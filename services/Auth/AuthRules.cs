using System.Text.RegularExpressions;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Auth;

/// <summary>What auth accepts; every violation names its field.</summary>
internal static partial class AuthRules
{
    public const int MinPasswordLength = 10;

    // Long enough for any passphrase, short enough that hashing it is no denial of service.
    public const int MaxPasswordLength = 256;

    public static void Username(string username)
    {
        if (!UsernamePattern().IsMatch(username))
        {
            throw ServiceException.InvalidArgument("username", "must be 3 to 32 characters of a-z, 0-9, '_' and '-'");
        }
    }

    public static void NewPassword(string password)
    {
        if (password.Length < MinPasswordLength)
        {
            throw ServiceException.InvalidArgument("password", $"must be at least {MinPasswordLength} characters");
        }

        Password(password);
    }

    public static void Password(string password)
    {
        if (password.Length == 0)
        {
            throw ServiceException.InvalidArgument("password", "is required");
        }

        if (password.Length > MaxPasswordLength)
        {
            throw ServiceException.InvalidArgument("password", $"must be at most {MaxPasswordLength} characters");
        }
    }

    public static void Token(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw ServiceException.InvalidArgument("token", "is required");
        }
    }

    [GeneratedRegex(@"\A[a-z0-9_-]{3,32}\z")]
    private static partial Regex UsernamePattern();
}

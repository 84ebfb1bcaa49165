using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StateManager;

/// <summary>What the state manager accepts; every violation names its field.</summary>
internal static class StateRules
{
    public const int MaxKeyLength = 512;
    public const int MaxValueBytes = 1024 * 1024;
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public static readonly long MaxTtlSeconds = (long)TimeSpan.FromDays(365).TotalSeconds;

    public static void Key(string key, string field = "key")
    {
        if (string.IsNullOrEmpty(key))
        {
            throw ServiceException.InvalidArgument(field, "is required");
        }

        KeyText(key, field);
        // "a/../b" would read as a path that resolves to "b" to anyone who treats keys as paths; it is refused rather than stored as a third name.
        if (key.Split('/').Any(segment => segment is "." or ".."))
        {
            throw ServiceException.InvalidArgument(field, "must not have '.' or '..' segments: a key is a name, not a path to resolve");
        }
    }

    public static void Prefix(string prefix) => KeyText(prefix, "prefix");

    public static void ExpectedVersion(long? expected)
    {
        if (expected is < 0)
        {
            throw ServiceException.InvalidArgument("expectedVersion", "must be 0 (key must not exist) or a version returned earlier");
        }
    }

    public static void Value(int length)
    {
        if (length > MaxValueBytes)
        {
            throw ServiceException.InvalidArgument("value", $"is {length} bytes; the limit is {MaxValueBytes}");
        }
    }

    public static void TtlSeconds(long ttl)
    {
        if (ttl < 0 || ttl > MaxTtlSeconds)
        {
            throw ServiceException.InvalidArgument("ttlSeconds", $"must be between 0 (no expiry) and {MaxTtlSeconds}");
        }
    }

    public static int PageSize(int pageSize) => pageSize switch
    {
        0 => DefaultPageSize,
        < 0 or > MaxPageSize => throw ServiceException.InvalidArgument("pageSize", $"must be between 1 and {MaxPageSize} (0 = {DefaultPageSize})"),
        _ => pageSize,
    };

    private static void KeyText(string key, string field)
    {
        if (key.Length > MaxKeyLength)
        {
            throw ServiceException.InvalidArgument(field, $"is {key.Length} characters; the limit is {MaxKeyLength}");
        }

        if (key.Any(char.IsControl))
        {
            throw ServiceException.InvalidArgument(field, "must not contain control characters");
        }
    }
}

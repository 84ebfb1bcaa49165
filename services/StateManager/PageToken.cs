using System.Buffers.Text;
using System.Text;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.StateManager;

/// <summary>An opaque cursor: the last key of the previous page, base64url so callers do not build one by hand.</summary>
internal static class PageToken
{
    public static string Encode(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    public static string? Decode(string token, string prefix)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            var lastKey = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return lastKey.StartsWith(prefix, StringComparison.Ordinal)
                ? lastKey
                : throw ServiceException.InvalidArgument("pageToken", "belongs to a listing with another prefix");
        }
        catch (FormatException)
        {
            throw ServiceException.InvalidArgument("pageToken", "is not a token returned by List");
        }
    }
}

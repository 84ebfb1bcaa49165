using System.Text;
using System.Text.RegularExpressions;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Settings;

/// <summary>What settings accepts; every violation names its field, as the caller wrote it in JSON.</summary>
internal static partial class SettingsRules
{
    public const int MinVolume = 0;
    public const int MaxVolume = 100;
    public const int MaxKeyBindings = 64;
    public const int MaxKeyLength = 32;

    // A player id is an opaque id the gateway took from a session; this bound only keeps Redis keys sane.
    public const int MaxPlayerIdLength = 128;

    /// <summary>The locales the language-system serves.</summary>
    public static IReadOnlyList<string> Languages => Locales.Offered;

    private const string UpdateMaskField = "updateMask";

    /// <summary>The calling player: settings have no player field, so a call with no player has nobody's settings.</summary>
    public static string Player(CallContext context)
    {
        var playerId = context.PlayerId;
        if (string.IsNullOrWhiteSpace(playerId))
        {
            throw new ServiceException(
                ErrorCode.Unauthenticated,
                $"no player: settings are the calling player's, named by the {MessagingHeaders.PlayerId} header that the gateway sets for an authenticated request");
        }

        if (playerId.Length > MaxPlayerIdLength || playerId.Any(char.IsControl))
        {
            throw ServiceException.InvalidArgument("playerId", $"must be at most {MaxPlayerIdLength} characters without control characters");
        }

        return playerId;
    }

    /// <summary>The settable fields the mask names, each once, in declaration order.</summary>
    public static IReadOnlyList<FieldDescriptor> Mask(FieldMask? mask)
    {
        if (mask is null || mask.Paths.Count == 0)
        {
            throw ServiceException.InvalidArgument(UpdateMaskField, $"names no field; list the settings to change: {string.Join(", ", SettingsFields.Settable.Select(f => f.Name))}");
        }

        var chosen = new HashSet<FieldDescriptor>();
        foreach (var path in mask.Paths)
        {
            var field = SettingsFields.Find(path)
                ?? throw ServiceException.InvalidArgument(UpdateMaskField, $"{Quote(path)} is not a setting; the settings are {string.Join(", ", SettingsFields.Settable.Select(f => f.Name))}");
            chosen.Add(field);
        }

        return SettingsFields.Settable.Where(chosen.Contains).ToArray();
    }

    public static void ExpectedVersion(long? expected)
    {
        if (expected is < 0)
        {
            throw ServiceException.InvalidArgument("expectedVersion", "must be 0 (never changed) or a version returned earlier");
        }
    }

    /// <summary>Checks the value of one settable field of <paramref name="settings"/>.</summary>
    public static void Value(FieldDescriptor field, PlayerSettings settings)
    {
        switch (field.FieldNumber)
        {
            case PlayerSettings.GraphicsPresetFieldNumber:
                if (settings.GraphicsPreset == GraphicsPreset.Unspecified || !System.Enum.IsDefined(settings.GraphicsPreset))
                {
                    throw ServiceException.InvalidArgument(field.JsonName, "must be one of LOW, MEDIUM, HIGH, ULTRA");
                }

                break;
            case PlayerSettings.MasterVolumeFieldNumber or PlayerSettings.MusicVolumeFieldNumber or PlayerSettings.SfxVolumeFieldNumber:
                var volume = (int)field.Accessor.GetValue(settings);
                if (volume is < MinVolume or > MaxVolume)
                {
                    throw ServiceException.InvalidArgument(field.JsonName, $"is {volume}; a volume is {MinVolume} to {MaxVolume}");
                }

                break;
            case PlayerSettings.LanguageFieldNumber:
                if (!Languages.Contains(settings.Language, StringComparer.Ordinal))
                {
                    throw ServiceException.InvalidArgument(field.JsonName, $"{Quote(settings.Language)} is not offered; the languages are {string.Join(", ", Languages)}");
                }

                break;
            case PlayerSettings.KeyBindingsFieldNumber:
                KeyBindings(field.JsonName, settings);
                break;
        }
    }

    private static void KeyBindings(string field, PlayerSettings settings)
    {
        if (settings.KeyBindings.Count > MaxKeyBindings)
        {
            throw ServiceException.InvalidArgument(field, $"has {settings.KeyBindings.Count} bindings; the limit is {MaxKeyBindings}");
        }

        foreach (var (action, key) in settings.KeyBindings)
        {
            if (!ActionPattern().IsMatch(action))
            {
                throw ServiceException.InvalidArgument(field, $"action {Quote(action)} must be 1 to 32 characters of a-z, 0-9 and '_'");
            }

            // Counted in runes, so a key named by one non-BMP character is one character, as a player sees it.
            var runes = key.EnumerateRunes().ToArray();
            if (runes.Length is 0 or > MaxKeyLength || runes.Any(r => Rune.IsControl(r) || Rune.GetUnicodeCategory(r) is System.Globalization.UnicodeCategory.Format))
            {
                throw ServiceException.InvalidArgument(field, $"the key of {Quote(action)} must be 1 to {MaxKeyLength} printable characters");
            }
        }
    }

    // Caller text in a message is cut short, so a huge bad value cannot make a huge error.
    private static string Quote(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}...'";

    // \z, not $: $ also matches before a final newline, which would let "jump\n" through.
    [GeneratedRegex(@"^[a-z0-9_]{1,32}\z")]
    private static partial Regex ActionPattern();
}

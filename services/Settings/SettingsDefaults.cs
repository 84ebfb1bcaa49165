using GamingSystem.Contracts.Settings.V1;

namespace GamingSystem.Settings;

/// <summary>What a player has before changing anything, and what Reset goes back to.</summary>
internal static class SettingsDefaults
{
    // A WASD layout, as most PC games ship; the names are the actions the game client binds.
    private static readonly KeyValuePair<string, string>[] KeyBindings =
    [
        new("move_forward", "W"),
        new("move_backward", "S"),
        new("move_left", "A"),
        new("move_right", "D"),
        new("jump", "Space"),
        new("crouch", "LeftCtrl"),
        new("sprint", "LeftShift"),
        new("interact", "E"),
        new("inventory", "I"),
        new("map", "M"),
        new("quest_log", "J"),
        new("pause", "Escape"),
    ];

    /// <summary>A fresh message each time: callers change what they get.</summary>
    public static PlayerSettings For(string playerId)
    {
        var settings = new PlayerSettings
        {
            PlayerId = playerId,
            GraphicsPreset = GraphicsPreset.Medium,
            MasterVolume = 80,
            MusicVolume = 70,
            SfxVolume = 80,
            Language = "en",
            Subtitles = false,
            Version = 0,
        };
        foreach (var (action, key) in KeyBindings)
        {
            settings.KeyBindings[action] = key;
        }

        return settings;
    }
}

using GamingSystem.Contracts.Settings.V1;
using Google.Protobuf.Reflection;

namespace GamingSystem.Settings;

/// <summary>
/// The fields of <see cref="PlayerSettings"/> a player may change, taken from the contract's descriptor so their names
/// (in an update mask, in <c>changed_fields</c>, in an error's field) are the contract's own. player_id, version and
/// updated_at belong to the service; a field added to the contract is not settable until it is listed here.
/// </summary>
internal static class SettingsFields
{
    /// <summary>In declaration order, which is also the order <c>changed_fields</c> lists them in.</summary>
    public static IReadOnlyList<FieldDescriptor> Settable { get; } = new[]
    {
        PlayerSettings.GraphicsPresetFieldNumber,
        PlayerSettings.MasterVolumeFieldNumber,
        PlayerSettings.MusicVolumeFieldNumber,
        PlayerSettings.SfxVolumeFieldNumber,
        PlayerSettings.LanguageFieldNumber,
        PlayerSettings.SubtitlesFieldNumber,
        PlayerSettings.KeyBindingsFieldNumber,
    }.Select(PlayerSettings.Descriptor.FindFieldByNumber).ToArray();

    public static FieldDescriptor? Find(string path) => Settable.FirstOrDefault(f => string.Equals(f.Name, path, StringComparison.Ordinal));

    /// <summary>Copies one field from <paramref name="source"/> into <paramref name="target"/>; true when its value differed.</summary>
    public static bool Copy(FieldDescriptor field, PlayerSettings source, PlayerSettings target)
    {
        if (field.FieldNumber == PlayerSettings.KeyBindingsFieldNumber)
        {
            // The map is replaced whole: a client sends its full layout, and a binding it left out is one it removed.
            if (target.KeyBindings.Equals(source.KeyBindings))
            {
                return false;
            }

            target.KeyBindings.Clear();
            target.KeyBindings.Add(source.KeyBindings);
            return true;
        }

        var value = field.Accessor.GetValue(source);
        if (Equals(field.Accessor.GetValue(target), value))
        {
            return false;
        }

        field.Accessor.SetValue(target, value);
        return true;
    }
}

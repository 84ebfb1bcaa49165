using GamingSystem.Contracts;
using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Orchestration.Onboarding;

/// <summary>
/// Writes the player's settings: the defaults for a player who has none yet, then the language and subtitles they
/// chose. What was there before is saved first, so compensation puts it back.
/// </summary>
public sealed class SettingsDefaultsStep(ServiceClient client) : IWorkflowStep
{
    public const string Language = "language";
    public const string Subtitles = "subtitles";
    private const string Before = "before";

    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = ContractRegistry.Settings.FindMethodByName("Get");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Update = ContractRegistry.Settings.FindMethodByName("Update");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Reset = ContractRegistry.Settings.FindMethodByName("Reset");

    public string Name => "settings-defaults";

    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var player = new CallOptions { PlayerId = context.PlayerId };
        if (!context.Data.Fields.ContainsKey(Before))
        {
            var current = await client.RequestAsync<PlayerSettings>(Get, new GetSettingsRequest(), player, context.CancellationToken).ConfigureAwait(false);
            context.Data.Fields[Before] = Value.ForString(current.ToByteString().ToBase64());
            await context.SaveDataAsync().ConfigureAwait(false);
        }

        var before = PlayerSettings.Parser.ParseFrom(ByteString.FromBase64(context.Data.Fields[Before].StringValue));
        var written = before;
        if (before.Version == 0)
        {
            written = await client.RequestAsync<PlayerSettings>(Reset, new ResetSettingsRequest(), player, context.CancellationToken).ConfigureAwait(false);
        }

        var (chosen, mask) = Chosen(context.Input);
        if (mask.Paths.Count > 0)
        {
            written = await client.RequestAsync<PlayerSettings>(Update, new UpdateSettingsRequest { Settings = chosen, UpdateMask = mask }, player, context.CancellationToken)
                .ConfigureAwait(false);
        }

        context.Output.Fields["settings"] = Value.ForStruct(new Struct
        {
            Fields = { [Language] = Value.ForString(written.Language), [Subtitles] = Value.ForBool(written.Subtitles) },
        });
        var wrote = before.Version == 0 ? "wrote the defaults" : "kept the player's settings";
        return StepOutcome.Done(mask.Paths.Count == 0 ? wrote : $"{wrote} and set {string.Join(", ", mask.Paths)}");
    }

    public async Task<string> CompensateAsync(StepContext context)
    {
        if (!context.Data.Fields.TryGetValue(Before, out var saved))
        {
            return "nothing was written";
        }

        var player = new CallOptions { PlayerId = context.PlayerId };
        var before = PlayerSettings.Parser.ParseFrom(ByteString.FromBase64(saved.StringValue));
        if (before.Version == 0)
        {
            await client.RequestAsync<PlayerSettings>(Reset, new ResetSettingsRequest(), player, context.CancellationToken).ConfigureAwait(false);
            return "back to the defaults";
        }

        var (_, mask) = Chosen(context.Input);
        if (mask.Paths.Count == 0)
        {
            return "nothing was changed";
        }

        await client.RequestAsync<PlayerSettings>(Update, new UpdateSettingsRequest { Settings = before, UpdateMask = mask }, player, context.CancellationToken)
            .ConfigureAwait(false);
        return $"restored {string.Join(", ", mask.Paths)}";
    }

    private static (PlayerSettings Settings, FieldMask Mask) Chosen(Struct input)
    {
        var settings = new PlayerSettings();
        var mask = new FieldMask();
        if (input.Fields.TryGetValue(Language, out var language))
        {
            settings.Language = language.StringValue;
            mask.Paths.Add(Language);
        }

        if (input.Fields.TryGetValue(Subtitles, out var subtitles))
        {
            settings.Subtitles = subtitles.BoolValue;
            mask.Paths.Add(Subtitles);
        }

        return (settings, mask);
    }
}

using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace GamingSystem.Orchestration.Onboarding;

/// <summary>Bound from <c>Orchestration:Onboarding</c>: what a new player is given.</summary>
public sealed class OnboardingOptions
{
    public const string SectionName = "Orchestration:Onboarding";

    /// <summary>The currency of the wallet every player gets.</summary>
    public string Currency { get; set; } = "GLD";

    /// <summary>Minor units credited to a new wallet.</summary>
    public long StarterGrant { get; set; } = 100;

    /// <summary>Where the starter quest takes place.</summary>
    public string StarterRegion { get; set; } = "ashford";
}

/// <summary>
/// A new player's first minutes: settings with the defaults and the choices they made at sign-up, a wallet with a
/// starter grant, then a starter quest. Once per player: a player cannot collect the grant twice.
/// </summary>
public sealed class PlayerOnboarding(ServiceClient client, IOptions<OnboardingOptions> options) : IWorkflow
{
    public const string WorkflowName = "player-onboarding";

    private static readonly Dictionary<string, Value.KindOneofCase> InputFields = new(StringComparer.Ordinal)
    {
        [SettingsDefaultsStep.Language] = Value.KindOneofCase.StringValue,
        [SettingsDefaultsStep.Subtitles] = Value.KindOneofCase.BoolValue,
    };

    public string Name => WorkflowName;

    public bool OncePerPlayer => true;

    public IReadOnlyList<IWorkflowStep> Steps { get; } =
    [
        new SettingsDefaultsStep(client),
        new StarterWalletStep(client, options.Value),
        new StarterQuestStep(client, options.Value),
    ];

    public void Validate(Struct input)
    {
        foreach (var (name, value) in input.Fields)
        {
            if (!InputFields.TryGetValue(name, out var kind))
            {
                throw ServiceException.InvalidArgument($"input.{name}", $"{WorkflowName} takes only {string.Join(" and ", InputFields.Keys)}");
            }

            if (value.KindCase != kind)
            {
                throw ServiceException.InvalidArgument($"input.{name}", kind == Value.KindOneofCase.BoolValue ? "must be true or false" : "must be a string");
            }
        }

        if (input.Fields.TryGetValue(SettingsDefaultsStep.Language, out var language) && !Locales.Offered.Contains(language.StringValue, StringComparer.Ordinal))
        {
            throw ServiceException.InvalidArgument($"input.{SettingsDefaultsStep.Language}", $"'{language.StringValue}' is not offered; the languages are {string.Join(", ", Locales.Offered)}");
        }
    }
}

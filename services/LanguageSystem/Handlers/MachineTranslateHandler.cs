using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.LanguageSystem.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.LanguageSystem.Catalog;
using GamingSystem.LanguageSystem.Detection;
using GamingSystem.LanguageSystem.Translation;
using GamingSystem.ServiceDefaults.Ai;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.LanguageSystem.Handlers;

/// <summary>
/// Free text into another locale through ai-router (task TRANSLATION). When AI is skipped (survival mode), fails or
/// is slow, the glossary translates word by word and the reply says FALLBACK with the reason. The source locale is
/// the caller's, or detected; text already in the target locale comes back unchanged.
/// </summary>
public sealed class MachineTranslateHandler(AiContent ai, TrigramModel model, Glossary glossary)
    : IServiceHandler<MachineTranslateRequest, MachineTranslateResponse>
{
    public async ValueTask<MachineTranslateResponse> HandleAsync(MachineTranslateRequest request, CallContext context)
    {
        var text = LanguageRules.Text(request.Text, "text", LanguageRules.MaxTranslateLength);
        var target = LanguageRules.OfferedLocale(request.TargetLocale, "targetLocale");
        var source = string.IsNullOrEmpty(request.SourceLocale)
            ? model.Detect(text).FirstOrDefault()?.Locale ?? throw ServiceException.InvalidArgument("text", "has no letters to tell a language by")
            : LanguageRules.OfferedLocale(request.SourceLocale, "sourceLocale");

        if (source == target)
        {
            return new MachineTranslateResponse { Text = text, SourceLocale = source, Source = ContentSource.Fallback, Reason = $"the text is already in {target}" };
        }

        var prompt = new AiPrompt(TaskType.Translation, text)
        {
            SystemPrompt = $"Translate the user's text from {source} to {target}. Keep names and numbers. Reply with the translation only.",
            MaxTokens = Math.Clamp(text.Length, 32, 512),
            Seed = StableSeed(text, target),
        };
        var result = await ai.GenerateAsync(prompt, () => glossary.Translate(text, source, target).Text, context.CancellationToken).ConfigureAwait(false);
        return new MachineTranslateResponse
        {
            Text = result.Text,
            SourceLocale = source,
            Source = result.Source,
            Reason = result.Source == ContentSource.Fallback ? $"{result.Reason}; translated word by word with the glossary" : "",
        };
    }

    // The same text and target ask the model the same way, so a local model answers the same each time.
    private static long StableSeed(string text, string target)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in target + "\n" + text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)(hash & long.MaxValue);
    }
}

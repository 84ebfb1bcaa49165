using GamingSystem.Contracts.LanguageSystem.V1;
using GamingSystem.LanguageSystem.Catalog;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;

namespace GamingSystem.LanguageSystem.Handlers;

/// <summary>
/// Sets a string's forms in one locale, replacing the shipped text (or adding a key); idempotent, as the same
/// request stores the same forms. The forms must include "other" and only the locale's own plural categories.
/// </summary>
public sealed partial class UpsertStringHandler(StringOverrides overrides, ILogger<UpsertStringHandler> logger)
    : IServiceHandler<UpsertStringRequest, LocalizedString>
{
    public async ValueTask<LocalizedString> HandleAsync(UpsertStringRequest request, CallContext context)
    {
        var locale = LanguageRules.OfferedLocale(request.Locale, "locale");
        var key = LanguageRules.Key(request.Key);
        var categories = PluralRules.CategoriesOf(locale);
        if (!request.Forms.ContainsKey(PluralRules.Other))
        {
            throw ServiceException.InvalidArgument("forms", $"needs an \"other\" form; {locale} uses {string.Join(", ", categories)}");
        }

        foreach (var (category, text) in request.Forms)
        {
            if (!categories.Contains(category, StringComparer.Ordinal))
            {
                throw ServiceException.InvalidArgument("forms", $"'{LanguageRules.Cut(category)}' is not a plural category of {locale}; it uses {string.Join(", ", categories)}");
            }

            LanguageRules.Text(text, $"forms.{category}", LanguageRules.MaxFormLength);
        }

        await overrides.ReplaceAsync(locale, key, request.Forms).ConfigureAwait(false);
        LogUpserted(locale, key, request.Forms.Count);
        return new LocalizedString { Key = key, Locale = locale, Forms = { request.Forms }, Overridden = true };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "String {Locale}/{Key} overridden with {Forms} forms")]
    private partial void LogUpserted(string locale, string key, int forms);
}

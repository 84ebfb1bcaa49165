using GamingSystem.Contracts.LanguageSystem.V1;
using GamingSystem.LanguageSystem.Catalog;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.LanguageSystem.Handlers;

/// <summary>
/// A string in the caller's locale with its plural form chosen by CLDR's rules and its placeholders filled. An
/// unknown locale, or a key the locale lacks, is answered in English with <c>fallback</c> set; a key no locale has
/// is NOT_FOUND.
/// </summary>
public sealed class TranslateHandler(StringCatalog catalog, StringOverrides overrides) : IServiceHandler<TranslateRequest, TranslateResponse>
{
    public async ValueTask<TranslateResponse> HandleAsync(TranslateRequest request, CallContext context)
    {
        var key = LanguageRules.Key(request.Key);
        if (request.Args.Count > LanguageRules.MaxArgs)
        {
            throw ServiceException.InvalidArgument("args", $"has {request.Args.Count} values; the limit is {LanguageRules.MaxArgs}");
        }

        var wanted = LanguageRules.Language(request.Locale);
        var locale = wanted is not null && catalog.HasLocale(wanted) ? wanted : StringCatalog.DefaultLocale;
        var forms = await FormsAsync(locale, key).ConfigureAwait(false);
        if (forms is null && locale != StringCatalog.DefaultLocale)
        {
            locale = StringCatalog.DefaultLocale;
            forms = await FormsAsync(locale, key).ConfigureAwait(false);
        }

        if (forms is null)
        {
            throw ServiceException.NotFound($"no string has the key '{key}'");
        }

        var category = request.HasCount ? PluralRules.Select(locale, request.Count) : PluralRules.Other;
        var template = forms.GetValueOrDefault(category) ?? forms.GetValueOrDefault(PluralRules.Other) ?? forms.Values.First();
        var args = new Dictionary<string, string>(request.Args, StringComparer.Ordinal);
        if (request.HasCount)
        {
            args.TryAdd(MessageFormat.CountArgument, MessageFormat.Count(locale, request.Count));
        }

        try
        {
            return new TranslateResponse
            {
                Text = MessageFormat.Format(template, args),
                Locale = locale,
                Fallback = locale != wanted,
                PluralCategory = category,
            };
        }
        catch (MissingArgumentException missing)
        {
            throw ServiceException.InvalidArgument("args", $"'{key}' needs a value for {{{missing.Name}}}" + (missing.Name == MessageFormat.CountArgument ? " (set count)" : ""));
        }
    }

    private async Task<IReadOnlyDictionary<string, string>?> FormsAsync(string locale, string key) =>
        await overrides.FindAsync(locale, key).ConfigureAwait(false) ?? catalog.Find(locale, key);
}

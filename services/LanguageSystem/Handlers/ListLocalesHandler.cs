using System.Globalization;
using GamingSystem.Contracts.LanguageSystem.V1;
using GamingSystem.LanguageSystem.Catalog;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.LanguageSystem.Handlers;

/// <summary>The offered locales with their plural categories and how many strings each has, overrides of new keys included.</summary>
public sealed class ListLocalesHandler(StringCatalog catalog, StringOverrides overrides) : IServiceHandler<ListLocalesRequest, ListLocalesResponse>
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["en"] = "English",
        ["de"] = "Deutsch",
        ["fr"] = "Français",
        ["es"] = "Español",
        ["ru"] = "Русский",
        ["ja"] = "日本語",
    };

    public async ValueTask<ListLocalesResponse> HandleAsync(ListLocalesRequest request, CallContext context)
    {
        var response = new ListLocalesResponse();
        foreach (var code in Contracts.Locales.Offered.Where(catalog.HasLocale))
        {
            var keys = new HashSet<string>(catalog.KeysOf(code), StringComparer.Ordinal);
            keys.UnionWith(await overrides.KeysAsync(code).ConfigureAwait(false));
            response.Locales.Add(new Locale
            {
                Code = code,
                Name = Names.GetValueOrDefault(code) ?? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(code),
                PluralCategories = { PluralRules.CategoriesOf(code) },
                StringCount = keys.Count,
            });
        }

        return response;
    }
}

using StackExchange.Redis;

namespace GamingSystem.LanguageSystem.Catalog;

/// <summary>
/// Strings changed at run time (UpsertString), which win over the shipped catalogue: one hash per locale and key
/// (plural category -> text) and one set per locale naming the keys it overrides, for the locale's string count.
/// </summary>
public sealed class StringOverrides(IConnectionMultiplexer redis)
{
    private const string Prefix = "{language-system}";

    public async Task<IReadOnlyDictionary<string, string>?> FindAsync(string locale, string key)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(StringKey(locale, key)).ConfigureAwait(false);
        return entries.Length == 0 ? null : entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
    }

    /// <summary>Replaces the string's forms as a whole, atomically, so no reader sees old and new forms mixed.</summary>
    public Task ReplaceAsync(string locale, string key, IReadOnlyDictionary<string, string> forms)
    {
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.KeyDeleteAsync(StringKey(locale, key));
        _ = transaction.HashSetAsync(StringKey(locale, key), [.. forms.Select(f => new HashEntry(f.Key, f.Value))]);
        _ = transaction.SetAddAsync(KeysKey(locale), key);
        return transaction.ExecuteAsync();
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string locale) =>
        [.. (await redis.GetDatabase().SetMembersAsync(KeysKey(locale)).ConfigureAwait(false)).Select(v => (string)v!)];

    private static RedisKey StringKey(string locale, string key) => $"{Prefix}:string:{locale}:{key}";

    private static RedisKey KeysKey(string locale) => $"{Prefix}:keys:{locale}";
}

using System.Globalization;
using GamingSystem.Contracts.PerformanceMode.V1;
using StackExchange.Redis;

namespace GamingSystem.PerformanceMode.Mode;

public sealed record ModeOverride(ServerMode Mode, string Reason, DateTimeOffset ExpiresAt);

/// <summary>
/// The operator's override, shared by every replica: one Redis hash that expires with the override, so no clock of
/// ours has to end it.
/// </summary>
public sealed class ModeOverrideStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private static readonly RedisKey Key = "{performance-mode}:override";

    public async Task<ModeOverride> SetAsync(ServerMode mode, string reason, TimeSpan ttl)
    {
        var expiresAt = time.GetUtcNow() + ttl;
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.HashSetAsync(Key,
        [
            new("mode", (int)mode),
            new("reason", reason),
            new("expires_at", expiresAt.ToUnixTimeMilliseconds()),
        ]);
        _ = transaction.KeyExpireAsync(Key, ttl);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        return new ModeOverride(mode, reason, expiresAt);
    }

    public async Task<ModeOverride?> GetAsync()
    {
        var values = await redis.GetDatabase().HashGetAsync(Key, ["mode", "reason", "expires_at"]).ConfigureAwait(false);
        if (values[0].IsNull || values[2].IsNull)
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)values[2]!, CultureInfo.InvariantCulture));
        return expiresAt <= time.GetUtcNow() ? null : new ModeOverride((ServerMode)(int)values[0], (string?)values[1] ?? "", expiresAt);
    }
}

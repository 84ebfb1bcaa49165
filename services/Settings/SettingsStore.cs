using GamingSystem.Contracts.Settings.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.Settings;

public enum ChangeOutcome
{
    /// <summary>Stored at a new version.</summary>
    Written,

    /// <summary>The change left every value as it was: nothing stored, the version kept.</summary>
    Unchanged,

    /// <summary>The caller's expected version is not the stored one; <see cref="ChangeResult.Settings"/> is what is stored.</summary>
    VersionMismatch,

    /// <summary>Other writes to the same player's settings kept winning the race; nothing stored.</summary>
    Contended,
}

public sealed record ChangeResult(ChangeOutcome Outcome, PlayerSettings Settings, IReadOnlyList<FieldDescriptor> ChangedFields);

/// <summary>
/// One hash per player in Redis: the settings as the contract's message and their version. A change is optimistic:
/// read, change in memory, and write in a MULTI guarded by the version read (SE.Redis turns the condition into a WATCH),
/// so two writers never both win, and a change that lost the race is made again on what won.
/// </summary>
/// <remarks>
/// Keys share the hash tag <c>{settings}</c>, as every service's do. A player's hash is never deleted (a reset
/// writes the defaults at a new version), so versions never go back and never repeat.
/// </remarks>
public sealed class SettingsStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Prefix = "{settings}";
    private const string DataField = "data";
    private const string VersionField = "version";

    // A race needs two writers on one player's settings at once (two devices); losing eight in a row means
    // something is hammering them, and the caller hears so instead of this looping on.
    private const int MaxAttempts = 8;

    /// <summary>The stored settings, or null for a player who never changed any.</summary>
    public async Task<PlayerSettings?> GetAsync(string playerId)
    {
        var data = await redis.GetDatabase().HashGetAsync(Key(playerId), DataField).ConfigureAwait(false);
        return data.IsNull ? null : PlayerSettings.Parser.ParseFrom((byte[])data!);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current settings (the defaults when none are stored) and stores the
    /// result at the next version, unless it changed nothing. <paramref name="change"/> returns the fields it changed
    /// and may run more than once, each time on fresh settings.
    /// </summary>
    public async Task<ChangeResult> ChangeAsync(string playerId, long? expectedVersion, Func<PlayerSettings, IReadOnlyList<FieldDescriptor>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await GetAsync(playerId).ConfigureAwait(false) ?? SettingsDefaults.For(playerId);
            if (expectedVersion is { } expected && expected != current.Version)
            {
                return new ChangeResult(ChangeOutcome.VersionMismatch, current, []);
            }

            var next = current.Clone();
            var changed = change(next);
            if (changed.Count == 0)
            {
                return new ChangeResult(ChangeOutcome.Unchanged, current, []);
            }

            next.Version = current.Version + 1;
            next.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
            if (await TryReplaceAsync(next, current.Version).ConfigureAwait(false))
            {
                return new ChangeResult(ChangeOutcome.Written, next, changed);
            }
        }

        return new ChangeResult(ChangeOutcome.Contended, await GetAsync(playerId).ConfigureAwait(false) ?? SettingsDefaults.For(playerId), []);
    }

    /// <summary>Writes <paramref name="next"/> only if the stored version is still <paramref name="readVersion"/> (0: nothing stored).</summary>
    private async Task<bool> TryReplaceAsync(PlayerSettings next, long readVersion)
    {
        var key = Key(next.PlayerId);
        var transaction = redis.GetDatabase().CreateTransaction();
        transaction.AddCondition(readVersion == 0 ? Condition.KeyNotExists(key) : Condition.HashEqual(key, VersionField, readVersion));
        _ = transaction.HashSetAsync(key, [new(VersionField, next.Version), new(DataField, next.ToByteArray())]);
        return await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    private static RedisKey Key(string playerId) => $"{Prefix}:player:{playerId}";
}

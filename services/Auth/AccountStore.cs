using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GamingSystem.Auth;

public sealed record Account(string Username, string PlayerId, string PasswordHash, IReadOnlyList<string> Roles);

public sealed record Session(string PlayerId, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt);

/// <summary>
/// Accounts, sessions and failed-login counts in Redis, under the hash tag <c>{auth}</c>. A session is stored under
/// the SHA-256 of its token and expires by Redis TTL, renewed on every use; counting failures and locking is one
/// script, so concurrent failures cannot slip past the limit.
/// </summary>
public sealed class AccountStore(IConnectionMultiplexer redis, IOptions<AuthOptions> options, TimeProvider time)
{
    private const string Prefix = "{auth}";
    private const string DefaultRoles = "player";

    // KEYS: failures, lock. ARGV: window ms, max failures, lockout ms. Returns 1 when this failure locked the account.
    private const string FailureScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
        if count >= tonumber(ARGV[2]) then
          redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """;

    // KEYS: session. ARGV: lifetime ms. Returns {player_id, roles} and renews the TTL, or nil when gone.
    private const string TouchScript = """
        local values = redis.call('HMGET', KEYS[1], 'player_id', 'roles')
        if not values[1] then
          return nil
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return values
        """;

    private AuthOptions Options => options.Value;

    /// <summary>Creates the account unless the username is taken (then false).</summary>
    public async Task<bool> CreateAsync(string username, string playerId, string passwordHash)
    {
        var db = redis.GetDatabase();
        var transaction = db.CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists(UserKey(username)));
        _ = transaction.HashSetAsync(UserKey(username),
        [
            new("player_id", playerId),
            new("password", passwordHash),
            new("roles", DefaultRoles),
            new("created_at", time.GetUtcNow().ToUnixTimeMilliseconds()),
        ]);
        return await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<Account?> FindAsync(string username)
    {
        var values = await redis.GetDatabase().HashGetAsync(UserKey(username), ["player_id", "password", "roles"]).ConfigureAwait(false);
        return values[0].IsNull ? null : new Account(username, values[0]!, values[1]!, Roles(values[2]));
    }

    /// <summary>How long the account stays locked, or null when it is not.</summary>
    public async Task<TimeSpan?> LockedForAsync(string username)
    {
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(LockKey(username)).ConfigureAwait(false);
        return ttl is { } left && left > TimeSpan.Zero ? left : null;
    }

    /// <summary>Counts a failed login; true when it reached the limit and locked the account.</summary>
    public async Task<bool> RecordFailureAsync(string username)
    {
        var locked = await redis.GetDatabase().ScriptEvaluateAsync(
            FailureScript,
            [FailuresKey(username), LockKey(username)],
            [(long)Options.FailureWindow.TotalMilliseconds, Options.MaxFailedLogins, (long)Options.LockoutDuration.TotalMilliseconds]).ConfigureAwait(false);
        return (long)locked == 1;
    }

    public Task ClearFailuresAsync(string username) => redis.GetDatabase().KeyDeleteAsync(FailuresKey(username));

    public async Task<DateTimeOffset> CreateSessionAsync(string tokenHash, Account account)
    {
        var db = redis.GetDatabase();
        var key = SessionKey(tokenHash);
        var transaction = db.CreateTransaction();
        _ = transaction.HashSetAsync(key, [new("player_id", account.PlayerId), new("roles", string.Join(',', account.Roles))]);
        _ = transaction.KeyExpireAsync(key, Options.SessionLifetime);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        return time.GetUtcNow() + Options.SessionLifetime;
    }

    /// <summary>The session of a token hash, its lifetime renewed; null when it expired or never was.</summary>
    public async Task<Session?> TouchSessionAsync(string tokenHash)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            TouchScript, [SessionKey(tokenHash)], [(long)Options.SessionLifetime.TotalMilliseconds]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var values = (RedisValue[])result!;
        return new Session(values[0]!, Roles(values[1]), time.GetUtcNow() + Options.SessionLifetime);
    }

    public Task<bool> DeleteSessionAsync(string tokenHash) => redis.GetDatabase().KeyDeleteAsync(SessionKey(tokenHash));

    private static string[] Roles(RedisValue value) =>
        value.IsNullOrEmpty ? [DefaultRoles] : ((string)value!).Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static RedisKey UserKey(string username) => $"{Prefix}:user:{username}";

    private static RedisKey SessionKey(string tokenHash) => $"{Prefix}:session:{tokenHash}";

    private static RedisKey FailuresKey(string username) => $"{Prefix}:failures:{username}";

    private static RedisKey LockKey(string username) => $"{Prefix}:lock:{username}";

    internal static string Seconds(TimeSpan span) => Math.Ceiling(span.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}

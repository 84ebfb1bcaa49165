using System.Globalization;
using GamingSystem.Contracts.PerformanceMode.V1;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GamingSystem.PerformanceMode.Quality;

/// <summary>
/// Each player's <see cref="QualityState"/> in a Redis hash, changed optimistically: the write is conditional on the
/// report count read, so two reports at once (two tabs) never both apply to the same state; the loser runs again.
/// </summary>
public sealed class ClientStateStore(IConnectionMultiplexer redis, IOptions<QualityOptions> options)
{
    private const string Prefix = "{performance-mode}";
    private const int MaxAttempts = 8;

    public async Task<QualityRecommendation> ReportAsync(string playerId, ClientSample sample)
    {
        var db = redis.GetDatabase();
        var key = Key(playerId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = Parse(await db.HashGetAllAsync(key).ConfigureAwait(false));
            var (next, recommendation) = QualityAdvisor.Next(current, sample, options.Value);
            var transaction = db.CreateTransaction();
            transaction.AddCondition(current is null
                ? Condition.HashNotExists(key, "reports")
                : Condition.HashEqual(key, "reports", current.Reports));
            _ = transaction.HashSetAsync(key,
            [
                new("preset", (int)next.Preset),
                new("fps", next.SmoothedFps.ToString("R", CultureInfo.InvariantCulture)),
                new("streak", next.Streak),
                new("cooldown", next.Cooldown),
                new("reports", next.Reports),
                new("last_down", next.LastDownFps.ToString("R", CultureInfo.InvariantCulture)),
            ]);
            _ = transaction.KeyExpireAsync(key, options.Value.StateLifetime);
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return recommendation;
            }
        }

        throw new ServiceDefaults.Messaging.ServiceException(Contracts.Common.V1.ErrorCode.Aborted, "the player's reports kept arriving at once; send them one at a time");
    }

    private static QualityState? Parse(HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var values = entries.ToDictionary(e => (string)e.Name!, e => e.Value);
        return new QualityState(
            (QualityPreset)(int)values["preset"],
            double.Parse((string)values["fps"]!, CultureInfo.InvariantCulture),
            (int)values["streak"],
            (int)values["cooldown"],
            (long)values["reports"],
            values.TryGetValue("last_down", out var lastDown) ? double.Parse((string)lastDown!, CultureInfo.InvariantCulture) : 0);
    }

    private static RedisKey Key(string playerId) => $"{Prefix}:client:{playerId}";
}

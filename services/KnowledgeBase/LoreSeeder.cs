using System.Text.Json;
using System.Text.Json.Serialization;
using GamingSystem.KnowledgeBase.Domain;
using StackExchange.Redis;

namespace GamingSystem.KnowledgeBase;

/// <summary>
/// Ingests the bundled lore (an embedded resource) once per lore version: a marker in Redis records the version
/// seeded, so a restart does not bring back a lore document an administrator deleted or replaced, and replicas
/// starting together at worst ingest the same documents twice, which replaces them with themselves.
/// </summary>
public sealed partial class LoreSeeder(IConnectionMultiplexer redis, KnowledgeStore store, ILogger<LoreSeeder> logger) : BackgroundService
{
    /// <summary>Raise it when lore.json changes, so running systems take the new lore.</summary>
    public const string LoreVersion = "1";
    public const string MarkerKey = KnowledgeStore.Prefix + ":seeded";

    public sealed record LoreDocument(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("tags")] string[] Tags,
        [property: JsonPropertyName("text")] string Text);

    public static IReadOnlyList<LoreDocument> Load()
    {
        using var stream = typeof(LoreSeeder).Assembly.GetManifestResourceStream("GamingSystem.KnowledgeBase.lore.json")
            ?? throw new InvalidOperationException("lore.json is not embedded");
        return JsonSerializer.Deserialize<LoreDocument[]>(stream) ?? [];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var db = redis.GetDatabase();
                if (await db.StringGetAsync(MarkerKey).ConfigureAwait(false) == LoreVersion)
                {
                    return;
                }

                var lore = Load();
                foreach (var doc in lore)
                {
                    await store.PutAsync(doc.Id, doc.Title, doc.Tags, Chunker.Split(doc.Text)).ConfigureAwait(false);
                }

                await db.StringSetAsync(MarkerKey, LoreVersion).ConfigureAwait(false);
                LogSeeded(lore.Count, LoreVersion);
                return;
            }
            catch (RedisException ex)
            {
                LogRetry(attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Seeded {Count} lore documents (lore version {Version})")]
    private partial void LogSeeded(int count, string version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Seeding the lore failed (attempt {Attempt}), retrying: {Reason}")]
    private partial void LogRetry(int attempt, string reason);
}

using System.Globalization;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.QuestSystem;

/// <summary>What the start of a completion found: go on and credit, or the quest was completed already.</summary>
public enum CompletionStart
{
    Credit,
    Completed,
}

/// <summary>
/// Quests in Redis: one hash each (the generated quest as protobuf in <c>data</c>, its owner, its status and one
/// progress and required field per objective) and a per-player index ordered by id (ids are time-ordered, so newest
/// last). Every change of status or progress is one Lua script that checks the owner and the status first.
/// </summary>
public sealed class QuestStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Prefix = "{quest-system}";
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    // KEYS: quest, player index, idempotency record. ARGV: id, data, player, use key (1/0), ttl (s), then objective id, required...
    private const string CreateScript = """
        if ARGV[4] == '1' then
          local existing = redis.call('GET', KEYS[3])
          if existing then return existing end
        end
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'player', ARGV[3], 'status', 'offered')
        for i = 6, #ARGV, 2 do
          redis.call('HSET', KEYS[1], 'r:' .. ARGV[i], ARGV[i + 1], 'p:' .. ARGV[i], 0)
        end
        redis.call('ZADD', KEYS[2], 0, ARGV[1])
        if ARGV[4] == '1' then redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[5]) end
        return ARGV[1]
        """;

    // KEYS: quest. ARGV: player, from status, to status, time field, now. Returns 'ok', 'same' or the status found.
    private const string TransitionScript = """
        if redis.call('HGET', KEYS[1], 'player') ~= ARGV[1] then return 'not_found' end
        local status = redis.call('HGET', KEYS[1], 'status')
        if status == ARGV[3] then return 'same' end
        for from in string.gmatch(ARGV[2], '[^,]+') do
          if status == from then
            redis.call('HSET', KEYS[1], 'status', ARGV[3], ARGV[4], ARGV[5])
            return 'ok'
          end
        end
        return status
        """;

    // KEYS: quest. ARGV: player, objective, delta. Progress is capped at what the objective requires.
    private const string ProgressScript = """
        if redis.call('HGET', KEYS[1], 'player') ~= ARGV[1] then return 'not_found' end
        local status = redis.call('HGET', KEYS[1], 'status')
        if status ~= 'accepted' then return status end
        local required = redis.call('HGET', KEYS[1], 'r:' .. ARGV[2])
        if not required then return 'no_objective' end
        local progress = tonumber(redis.call('HGET', KEYS[1], 'p:' .. ARGV[2])) + tonumber(ARGV[3])
        redis.call('HSET', KEYS[1], 'p:' .. ARGV[2], math.min(progress, tonumber(required)))
        return 'ok'
        """;

    // KEYS: quest. ARGV: player. An accepted quest whose objectives are all done becomes 'completing': from then on
    // nothing changes it but the completion, so the reward is credited for exactly the quest as it stands.
    private const string BeginCompleteScript = """
        if redis.call('HGET', KEYS[1], 'player') ~= ARGV[1] then return 'not_found' end
        local status = redis.call('HGET', KEYS[1], 'status')
        if status == 'completing' then return 'credit' end
        if status == 'completed' then return 'completed' end
        if status ~= 'accepted' then return status end
        local fields = redis.call('HGETALL', KEYS[1])
        for i = 1, #fields, 2 do
          local name = fields[i]
          if string.sub(name, 1, 2) == 'r:' then
            local progress = tonumber(redis.call('HGET', KEYS[1], 'p:' .. string.sub(name, 3)))
            if progress < tonumber(fields[i + 1]) then return 'incomplete' end
          end
        end
        redis.call('HSET', KEYS[1], 'status', 'completing')
        return 'credit'
        """;

    // KEYS: quest. ARGV: transaction id, balance, now. The first completer's transaction is the one kept.
    private const string EndCompleteScript = """
        if redis.call('HGET', KEYS[1], 'status') == 'completing' then
          redis.call('HSET', KEYS[1], 'status', 'completed', 'tx', ARGV[1], 'balance', ARGV[2], 'completed_at', ARGV[3])
        end
        return redis.call('HGET', KEYS[1], 'status')
        """;

    /// <summary>The quest an earlier GenerateQuest with this idempotency key made, if any.</summary>
    public async Task<string?> GeneratedWithAsync(string player, string idempotencyKey) =>
        await redis.GetDatabase().StringGetAsync(IdempotencyKey(player, idempotencyKey)).ConfigureAwait(false) is { IsNull: false } id ? (string?)id : null;

    /// <summary>Stores a new OFFERED quest; with a key already used, returns that key's quest id instead.</summary>
    public async Task<string> CreateAsync(Quest quest, string? idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(quest);
        var args = new List<RedisValue> { quest.Id, quest.ToByteArray(), quest.PlayerId, idempotencyKey is null ? "0" : "1", (long)IdempotencyWindow.TotalSeconds };
        foreach (var objective in quest.Objectives)
        {
            args.Add(objective.Id);
            args.Add(objective.Required);
        }

        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            CreateScript, [QuestKey(quest.Id), IndexKey(quest.PlayerId), IdempotencyKey(quest.PlayerId, idempotencyKey ?? "")], [.. args]).ConfigureAwait(false);
        return (string)result!;
    }

    /// <summary>The quest, if it exists and is <paramref name="player"/>'s: anyone else is told it does not exist.</summary>
    public async Task<Quest?> FindAsync(string id, string player)
    {
        var fields = await redis.GetDatabase().HashGetAllAsync(QuestKey(id)).ConfigureAwait(false);
        var quest = ToQuest(fields);
        return quest?.PlayerId == player ? quest : null;
    }

    public async Task<Quest> LoadAsync(string id, string player) =>
        await FindAsync(id, player).ConfigureAwait(false) ?? throw NotFound(id);

    /// <summary>Moves the quest from one of <paramref name="from"/> to <paramref name="to"/>, stamping <paramref name="timeField"/>.</summary>
    public async Task<string> TransitionAsync(string id, string player, string from, string to, string timeField) =>
        (string)(await redis.GetDatabase().ScriptEvaluateAsync(
            TransitionScript, [QuestKey(id)], [player, from, to, timeField, time.GetUtcNow().ToUnixTimeMilliseconds()]).ConfigureAwait(false))!;

    public async Task<string> ProgressAsync(string id, string player, string objectiveId, int delta) =>
        (string)(await redis.GetDatabase().ScriptEvaluateAsync(ProgressScript, [QuestKey(id)], [player, objectiveId, delta]).ConfigureAwait(false))!;

    public async Task<string> BeginCompleteAsync(string id, string player) =>
        (string)(await redis.GetDatabase().ScriptEvaluateAsync(BeginCompleteScript, [QuestKey(id)], [player]).ConfigureAwait(false))!;

    public async Task EndCompleteAsync(string id, string transactionId, long balance) =>
        await redis.GetDatabase().ScriptEvaluateAsync(
            EndCompleteScript, [QuestKey(id)], [transactionId, balance, time.GetUtcNow().ToUnixTimeMilliseconds()]).ConfigureAwait(false);

    /// <summary>
    /// The player's quests newest first, those of <paramref name="status"/> only unless it is unspecified; after the
    /// quest <paramref name="after"/> when given. Pages are stable: quests generated while paging are on a new first page.
    /// </summary>
    public async Task<(List<Quest> Page, string? Next)> ListAsync(string player, QuestStatus status, string? after, int size)
    {
        var db = redis.GetDatabase();
        var page = new List<Quest>();
        var start = after is null ? "+" : "(" + after;
        while (page.Count <= size)
        {
            var ids = (RedisValue[])(await db.ExecuteAsync("ZREVRANGEBYLEX", IndexKey(player), start, "-", "LIMIT", 0, 50).ConfigureAwait(false))!;
            if (ids.Length == 0)
            {
                break;
            }

            var quests = await Task.WhenAll(ids.Select(id => FindAsync((string)id!, player))).ConfigureAwait(false);
            page.AddRange(quests.OfType<Quest>().Where(q => status == QuestStatus.Unspecified || q.Status == status));
            start = "(" + (string)ids[^1]!;
        }

        return page.Count > size ? (page[..size], page[size - 1].Id) : (page, null);
    }

    public static ServiceException NotFound(string id) => ServiceException.NotFound($"no quest {id} of yours");

    private static Quest? ToQuest(HashEntry[] fields)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        var values = fields.ToDictionary(f => (string)f.Name!, f => f.Value, StringComparer.Ordinal);
        var quest = Quest.Parser.ParseFrom((byte[])values["data"]!);
        foreach (var objective in quest.Objectives)
        {
            objective.Progress = (int)values["p:" + objective.Id];
        }

        quest.Status = (string)values["status"]! switch
        {
            "offered" => QuestStatus.Offered,
            "accepted" or "completing" => QuestStatus.Accepted,
            "completed" => QuestStatus.Completed,
            _ => QuestStatus.Abandoned,
        };
        quest.AcceptedAt = Stamp(values, "accepted_at");
        quest.CompletedAt = Stamp(values, "completed_at");
        return quest;
    }

    /// <summary>The reward's transaction and the balance after it, once completed.</summary>
    public async Task<(string TransactionId, long Balance)> CompletionAsync(string id)
    {
        var values = await redis.GetDatabase().HashGetAsync(QuestKey(id), ["tx", "balance"]).ConfigureAwait(false);
        return ((string?)values[0] ?? "", values[1].IsNull ? 0 : (long)values[1]);
    }

    private static Timestamp? Stamp(Dictionary<string, RedisValue> values, string field) =>
        values.TryGetValue(field, out var ms) && long.TryParse((string?)ms, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(value))
            : null;

    private static RedisKey QuestKey(string id) => $"{Prefix}:quest:{id}";

    private static RedisKey IndexKey(string player) => $"{Prefix}:player:{player}:quests";

    private static RedisKey IdempotencyKey(string player, string key) => $"{Prefix}:generated:{player}:{key}";
}

using GamingSystem.Contracts.Orchestration.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.Orchestration;

/// <summary>A workflow as stored: its public state, whether a cancel was asked for, and each step's own data.</summary>
public sealed record WorkflowRecord(Workflow Workflow, bool CancelRequested, IReadOnlyDictionary<string, Struct> Data);

/// <summary>
/// Workflows in Redis, one hash each (the workflow, its status, the cancel flag, each step's data), the set of the
/// running ones, and a lease per workflow that names the process running it. Every write of a running workflow is
/// fenced by that lease: a process that lost it (it stalled past the lease and another took over) can no longer write.
/// All keys share the <c>{orchestration}</c> hash tag, so each script touches one slot.
/// </summary>
public sealed class WorkflowStore(IConnectionMultiplexer redis)
{
    private const string Prefix = "{orchestration}";
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    private static readonly RedisKey Running = $"{Prefix}:running";
    private static readonly RedisKey Unused = $"{Prefix}:unused";

    // KEYS: workflow, running, idempotency record, once-per-player record.
    // ARGV: id, workflow bytes, status, use idempotency (1/0), once per player (1/0), idempotency ttl (s).
    private const string CreateScript = """
        if ARGV[4] == '1' then
          local existing = redis.call('GET', KEYS[3])
          if existing then return {'existing', existing} end
        end
        if ARGV[5] == '1' then
          local existing = redis.call('GET', KEYS[4])
          if existing then
            if ARGV[4] == '1' then redis.call('SET', KEYS[3], existing, 'EX', ARGV[6]) end
            return {'existing', existing}
          end
          redis.call('SET', KEYS[4], ARGV[1])
        end
        redis.call('HSET', KEYS[1], 'workflow', ARGV[2], 'status', ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[1])
        if ARGV[4] == '1' then redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[6]) end
        return {'created', ARGV[1]}
        """;

    // KEYS: workflow, running, lease, once-per-player record.
    // ARGV: owner, workflow bytes, status, id, ended (1/0), free the once-per-player record (1/0), data field or '', data bytes.
    private const string SaveScript = """
        if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'workflow', ARGV[2], 'status', ARGV[3])
        if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], ARGV[7], ARGV[8]) end
        if ARGV[5] == '1' then redis.call('SREM', KEYS[2], ARGV[4]) end
        if ARGV[6] == '1' and redis.call('GET', KEYS[4]) == ARGV[4] then redis.call('DEL', KEYS[4]) end
        return 1
        """;

    // KEYS: lease. ARGV: owner, ttl (ms).
    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    // KEYS: lease. ARGV: owner.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    // KEYS: workflow. Returns the status, marking a running workflow for cancellation.
    private const string CancelScript = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return '' end
        if status == 'RUNNING' then redis.call('HSET', KEYS[1], 'cancel', '1') end
        return status
        """;

    private readonly IDatabase _db = redis.GetDatabase();

    /// <summary>
    /// Stores a new workflow and marks it running, unless the caller's idempotency key or the once-per-player rule
    /// names an existing one: then that one's id is returned and nothing is written.
    /// </summary>
    public async Task<(string Id, bool Created)> CreateAsync(Workflow workflow, string? idempotencyKey, bool oncePerPlayer)
    {
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(
            CreateScript,
            [WorkflowKey(workflow.Id), Running, idempotencyKey is null ? Unused : IdempotencyKey(workflow.PlayerId, idempotencyKey), OnceKey(workflow.PlayerId, workflow.Name)],
            [workflow.Id, workflow.ToByteArray(), workflow.Status.ToString().ToUpperInvariant(), idempotencyKey is null ? "0" : "1", oncePerPlayer ? "1" : "0", (long)IdempotencyWindow.TotalSeconds])
            .ConfigureAwait(false))!;
        return ((string)result[1]!, (string)result[0]! == "created");
    }

    public async Task<WorkflowRecord?> LoadAsync(string id)
    {
        var fields = await _db.HashGetAllAsync(WorkflowKey(id)).ConfigureAwait(false);
        Workflow? workflow = null;
        var cancel = false;
        var data = new Dictionary<string, Struct>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name == "workflow")
            {
                workflow = Workflow.Parser.ParseFrom((byte[])field.Value!);
            }
            else if (name == "cancel")
            {
                cancel = true;
            }
            else if (name.StartsWith(DataPrefix, StringComparison.Ordinal))
            {
                data[name[DataPrefix.Length..]] = Struct.Parser.ParseFrom((byte[])field.Value!);
            }
        }

        return workflow is null ? null : new WorkflowRecord(workflow, cancel, data);
    }

    /// <summary>The ids of the workflows not yet ended, whoever runs them.</summary>
    public async Task<IReadOnlyList<string>> RunningAsync() =>
        (await _db.SetMembersAsync(Running).ConfigureAwait(false)).Select(id => (string)id!).ToList();

    /// <summary>
    /// Writes the workflow (and one step's data) if <paramref name="owner"/> still holds its lease; an ended workflow
    /// leaves the running set, and one that did not complete frees its player to start it again.
    /// </summary>
    public async Task<bool> SaveAsync(Workflow workflow, string owner, string? dataStep = null, Struct? data = null)
    {
        var ended = workflow.Status != WorkflowStatus.Running;
        var result = await _db.ScriptEvaluateAsync(
            SaveScript,
            [WorkflowKey(workflow.Id), Running, LeaseKey(workflow.Id), OnceKey(workflow.PlayerId, workflow.Name)],
            [
                owner, workflow.ToByteArray(), workflow.Status.ToString().ToUpperInvariant(), workflow.Id,
                ended ? "1" : "0", ended && workflow.Status != WorkflowStatus.Completed ? "1" : "0",
                dataStep is null ? string.Empty : DataPrefix + dataStep, data?.ToByteArray() ?? [],
            ]).ConfigureAwait(false);
        return (int)result == 1;
    }

    public Task<bool> TryClaimAsync(string id, string owner, TimeSpan lease) =>
        _db.StringSetAsync(LeaseKey(id), owner, lease, When.NotExists);

    public async Task<bool> RenewAsync(string id, string owner, TimeSpan lease) =>
        (int)await _db.ScriptEvaluateAsync(RenewScript, [LeaseKey(id)], [owner, (long)lease.TotalMilliseconds]).ConfigureAwait(false) == 1;

    public Task ReleaseAsync(string id, string owner) =>
        _db.ScriptEvaluateAsync(ReleaseScript, [LeaseKey(id)], [owner]);

    public async Task<bool> CancelRequestedAsync(string id) =>
        await _db.HashExistsAsync(WorkflowKey(id), "cancel").ConfigureAwait(false);

    /// <summary>Asks a running workflow to stop; returns its status before the call ("" when there is no such workflow).</summary>
    public async Task<string> RequestCancelAsync(string id) =>
        (string)(await _db.ScriptEvaluateAsync(CancelScript, [WorkflowKey(id)]).ConfigureAwait(false))!;

    private const string DataPrefix = "data:";

    private static RedisKey WorkflowKey(string id) => $"{Prefix}:workflow:{id}";

    private static RedisKey LeaseKey(string id) => $"{Prefix}:lease:{id}";

    private static RedisKey IdempotencyKey(string player, string key) => $"{Prefix}:idempotency:{player}:{key}";

    private static RedisKey OnceKey(string player, string name) => $"{Prefix}:once:{player}:{name}";
}

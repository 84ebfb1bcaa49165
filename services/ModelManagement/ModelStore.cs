using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.ModelManagement;

/// <summary>
/// The catalogue in Redis under <c>{model-management}</c>: one hash of models (id -> encoded <see cref="Model"/>) and
/// one of defaults (task type -> model id). A change reads a model and writes it back only if it is still what was
/// read (a hash-field condition), so concurrent changes never overwrite each other unseen.
/// </summary>
public sealed class ModelStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const int MaxAttempts = 8;
    private static readonly RedisKey Models = "{model-management}:models";
    private static readonly RedisKey DefaultsKey = "{model-management}:defaults";

    private IDatabase Db => redis.GetDatabase();

    public async Task SeedAsync(IEnumerable<Model> models, IEnumerable<TaskDefault> defaults)
    {
        foreach (var model in models)
        {
            var seeded = model.Clone();
            seeded.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
            await Db.HashSetAsync(Models, model.Id, seeded.ToByteArray(), When.NotExists).ConfigureAwait(false);
        }

        foreach (var taskDefault in defaults)
        {
            await Db.HashSetAsync(DefaultsKey, (int)taskDefault.TaskType, taskDefault.ModelId, When.NotExists).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a model; false when its id is taken.</summary>
    public async Task<bool> AddAsync(Model model)
    {
        model.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        return await Db.HashSetAsync(Models, model.Id, model.ToByteArray(), When.NotExists).ConfigureAwait(false);
    }

    public async Task<Model?> FindAsync(string id)
    {
        var value = await Db.HashGetAsync(Models, id).ConfigureAwait(false);
        return value.IsNull ? null : Model.Parser.ParseFrom((byte[])value!);
    }

    public async Task<IReadOnlyList<Model>> AllAsync()
    {
        var entries = await Db.HashValuesAsync(Models).ConfigureAwait(false);
        return [.. entries.Select(v => Model.Parser.ParseFrom((byte[])v!)).OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>Applies <paramref name="change"/> to the stored model and writes it if nobody changed it meanwhile.</summary>
    public Task<Model> UpdateAsync(string id, Func<Model, Task> change) =>
        CompareAndSetAsync(id, async (model, transaction) =>
        {
            await change(model).ConfigureAwait(false);
            model.Version++;
            model.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
            _ = transaction.HashSetAsync(Models, id, model.ToByteArray());
        });

    public async Task<IReadOnlyList<TaskDefault>> DefaultsAsync()
    {
        var entries = await Db.HashGetAllAsync(DefaultsKey).ConfigureAwait(false);
        return [.. entries.Select(e => new TaskDefault { TaskType = (TaskType)(int)e.Name, ModelId = e.Value! }).OrderBy(d => d.TaskType)];
    }

    /// <summary>
    /// Sets a default after <paramref name="check"/> accepts the model, only while the model is still as checked, so
    /// a concurrent retirement cannot slip in between.
    /// </summary>
    public Task<Model> SetDefaultAsync(TaskType task, string id, Action<Model> check) =>
        CompareAndSetAsync(id, (model, transaction) =>
        {
            check(model);
            _ = transaction.HashSetAsync(DefaultsKey, (int)task, id);
            return Task.CompletedTask;
        });

    /// <summary>
    /// Reads the model, lets <paramref name="write"/> queue writes in a transaction that runs only if the stored model
    /// is still the one read, and tries again (a few times) when another change got in first.
    /// </summary>
    private async Task<Model> CompareAndSetAsync(string id, Func<Model, ITransaction, Task> write)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await Db.HashGetAsync(Models, id).ConfigureAwait(false);
            if (stored.IsNull)
            {
                throw ServiceException.NotFound($"no model '{id}'");
            }

            var model = Model.Parser.ParseFrom((byte[])stored!);
            var transaction = Db.CreateTransaction();
            transaction.AddCondition(Condition.HashEqual(Models, id, stored));
            await write(model, transaction).ConfigureAwait(false);
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return model;
            }
        }

        throw new ServiceException(Contracts.Common.V1.ErrorCode.Aborted, $"model '{id}' kept changing under this update; try again");
    }
}

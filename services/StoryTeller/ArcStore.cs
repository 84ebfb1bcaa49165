using GamingSystem.Contracts.StoryTeller.V1;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GamingSystem.StoryTeller;

/// <summary>
/// Arcs in Redis, one hash each: the arc (protobuf) and its beat count. A beat is appended only if the count is still
/// the one it was planned on, so two calls racing on one arc never both add a beat. An arc lives for
/// <see cref="StoryOptions.ArcLifetime"/> after its last write. Keys share the <c>{story-teller}</c> hash tag.
/// </summary>
public sealed class ArcStore(IConnectionMultiplexer redis, IOptions<StoryOptions> options)
{
    private const string Prefix = "{story-teller}";

    // KEYS: arc. ARGV: expected beat count (-1: the arc must not exist), data, new count, ttl (s). Returns 1 if written.
    private const string WriteScript = """
        local count = redis.call('HGET', KEYS[1], 'beats')
        if ARGV[1] == '-1' then
          if count then return 0 end
        elseif count ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'beats', ARGV[3])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    public Task<bool> CreateAsync(Arc arc) => WriteAsync(arc, -1);

    /// <summary>Stores <paramref name="arc"/> if it held <paramref name="expectedBeats"/> beats until now.</summary>
    public Task<bool> AppendAsync(Arc arc, int expectedBeats) => WriteAsync(arc, expectedBeats);

    public async Task<Arc?> GetAsync(string arcId)
    {
        var data = await redis.GetDatabase().HashGetAsync(Key(arcId), "data").ConfigureAwait(false);
        return data.IsNull ? null : Arc.Parser.ParseFrom((byte[])data!);
    }

    private async Task<bool> WriteAsync(Arc arc, int expectedBeats)
    {
        ArgumentNullException.ThrowIfNull(arc);
        var written = await redis.GetDatabase().ScriptEvaluateAsync(
            WriteScript,
            [Key(arc.Id)],
            [expectedBeats, arc.ToByteArray(), arc.Beats.Count, (long)options.Value.ArcLifetime.TotalSeconds]).ConfigureAwait(false);
        return (long)written == 1;
    }

    private static string Key(string arcId) => $"{Prefix}:arc:{arcId}";
}

using System.Text.Json;
using System.Text.Json.Serialization;
using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.KnowledgeBase.Domain;
using StackExchange.Redis;

namespace GamingSystem.KnowledgeBase;

/// <summary>
/// The BM25 index in Redis, so every replica ranks alike: per term a postings hash (passage -> term frequency, whose
/// length is the document frequency), per passage its text and length, per document its title, tags and passage
/// count, and the corpus totals (passages, summed length). Replacing or deleting a document is one Lua script, so a
/// search never sees half a document. Keys share the <c>{knowledge-base}</c> hash tag; the scripts build the
/// postings keys from the terms, which works in Redis Cluster because the tag puts them all in one slot.
/// </summary>
public sealed class KnowledgeStore(IConnectionMultiplexer redis)
{
    public const string Prefix = "{knowledge-base}";
    private const string StatsKey = Prefix + ":stats";
    private const string LengthsKey = Prefix + ":lengths";
    private const string DocsKey = Prefix + ":docs";

    // KEYS: doc, stats, lengths, docs. ARGV: prefix, doc id, mode ('put' | 'delete'), title, tags json, passages json.
    // Returns whether the document existed before.
    private const string WriteScript = """
        local prefix, doc = ARGV[1], ARGV[2]
        local old = tonumber(redis.call('HGET', KEYS[1], 'chunks') or '-1')
        for i = 0, old - 1 do
          local id = doc .. ':' .. i
          local ck = prefix .. ':chunk:' .. id
          local terms = redis.call('HGET', ck, 'terms')
          if terms then
            for t, _ in pairs(cjson.decode(terms)) do redis.call('HDEL', prefix .. ':postings:' .. t, id) end
          end
          redis.call('HINCRBY', KEYS[2], 'passages', -1)
          redis.call('HINCRBY', KEYS[2], 'total_length', -tonumber(redis.call('HGET', ck, 'length') or '0'))
          redis.call('HDEL', KEYS[3], id)
          redis.call('DEL', ck)
        end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[4], doc)
        if ARGV[3] == 'put' then
          local passages = cjson.decode(ARGV[6])
          for i, p in ipairs(passages) do
            local id = doc .. ':' .. (i - 1)
            redis.call('HSET', prefix .. ':chunk:' .. id, 'text', p.text, 'length', p.length, 'terms', cjson.encode(p.terms))
            for t, tf in pairs(p.terms) do redis.call('HSET', prefix .. ':postings:' .. t, id, tf) end
            redis.call('HSET', KEYS[3], id, p.length)
            redis.call('HINCRBY', KEYS[2], 'passages', 1)
            redis.call('HINCRBY', KEYS[2], 'total_length', p.length)
          end
          redis.call('HSET', KEYS[1], 'title', ARGV[4], 'tags', ARGV[5], 'chunks', #passages)
          redis.call('SADD', KEYS[4], doc)
        end
        return old >= 0 and 1 or 0
        """;

    // KEYS: stats, lengths. ARGV: prefix, terms... Returns {passages, total length, then per term: term, n, id, tf, ...,
    // then the lengths of the candidates: n, id, length, ...}: one consistent snapshot of what BM25 needs.
    private const string ReadScript = """
        local out = {redis.call('HGET', KEYS[1], 'passages') or '0', redis.call('HGET', KEYS[1], 'total_length') or '0'}
        local seen, ids = {}, {}
        for i = 2, #ARGV do
          local postings = redis.call('HGETALL', ARGV[1] .. ':postings:' .. ARGV[i])
          table.insert(out, ARGV[i])
          table.insert(out, #postings / 2)
          for j = 1, #postings, 2 do
            table.insert(out, postings[j])
            table.insert(out, postings[j + 1])
            if not seen[postings[j]] then seen[postings[j]] = true; table.insert(ids, postings[j]) end
          end
        end
        table.insert(out, #ids)
        if #ids > 0 then
          local lengths = redis.call('HMGET', KEYS[2], unpack(ids))
          for i, id in ipairs(ids) do table.insert(out, id); table.insert(out, lengths[i] or '0') end
        end
        return out
        """;

    private sealed record StoredPassage(
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("length")] int Length,
        [property: JsonPropertyName("terms")] Dictionary<string, int> Terms);

    /// <summary>Replaces the document; returns its passage count.</summary>
    public async Task<int> PutAsync(string docId, string title, IReadOnlyList<string> tags, IReadOnlyList<string> passages)
    {
        var stored = passages.Select(p =>
        {
            var (frequencies, length) = TextAnalyzer.Frequencies(title + " " + p);
            return new StoredPassage(p, length, frequencies);
        }).ToList();
        await WriteAsync(docId, "put", title, JsonSerializer.Serialize(tags), JsonSerializer.Serialize(stored)).ConfigureAwait(false);
        return stored.Count;
    }

    public async Task<bool> DeleteAsync(string docId) => await WriteAsync(docId, "delete", "", "[]", "[]").ConfigureAwait(false);

    public async Task<bool> ExistsAsync(string docId) => await redis.GetDatabase().KeyExistsAsync(DocKey(docId)).ConfigureAwait(false);

    /// <summary>The passages that contain any of <paramref name="terms"/>, ranked by BM25, with all of <paramref name="tags"/>, best first.</summary>
    public async Task<List<Passage>> SearchAsync(IReadOnlyCollection<string> terms, int topK, IReadOnlyCollection<string> tags)
    {
        var db = redis.GetDatabase();
        var raw = (RedisValue[])(await db.ScriptEvaluateAsync(ReadScript, [StatsKey, LengthsKey], [Prefix, .. terms.Select(t => (RedisValue)t)]).ConfigureAwait(false))!;
        var at = 0;
        var passages = (long)raw[at++];
        var totalLength = (long)raw[at++];
        var postings = new List<Postings>();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = (string)raw[at++]!;
            var n = (int)raw[at++];
            var frequencies = new Dictionary<string, int>(n, StringComparer.Ordinal);
            for (var j = 0; j < n; j++)
            {
                frequencies[(string)raw[at++]!] = (int)raw[at++];
            }

            postings.Add(new Postings(term, frequencies));
        }

        var candidates = (int)raw[at++];
        var lengths = new Dictionary<string, int>(candidates, StringComparer.Ordinal);
        for (var i = 0; i < candidates; i++)
        {
            lengths[(string)raw[at++]!] = (int)raw[at++];
        }

        var results = new List<Passage>();
        var docs = new Dictionary<string, (string Title, string[] Tags)?>(StringComparer.Ordinal);
        foreach (var (id, score) in Bm25.Rank(postings, new CorpusStats(passages, totalLength, lengths)))
        {
            var split = id.LastIndexOf(':');
            var docId = id[..split];
            if (!docs.TryGetValue(docId, out var doc))
            {
                var values = await db.HashGetAsync(DocKey(docId), ["title", "tags"]).ConfigureAwait(false);
                doc = values[0].IsNull ? null : ((string)values[0]!, JsonSerializer.Deserialize<string[]>((string)values[1]!) ?? []);
                docs[docId] = doc;
            }

            if (doc is not { } d || !tags.All(t => d.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            var text = await db.HashGetAsync($"{Prefix}:chunk:{id}", "text").ConfigureAwait(false);
            if (text.IsNull)
            {
                // Deleted between the snapshot and now.
                continue;
            }

            results.Add(new Passage { DocId = docId, ChunkIndex = int.Parse(id[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), Title = d.Title, Text = text!, Score = score });
            if (results.Count == topK)
            {
                break;
            }
        }

        return results;
    }

    private async Task<bool> WriteAsync(string docId, string mode, string title, string tagsJson, string passagesJson)
    {
        var existed = await redis.GetDatabase().ScriptEvaluateAsync(
            WriteScript, [DocKey(docId), StatsKey, LengthsKey, DocsKey], [Prefix, docId, mode, title, tagsJson, passagesJson]).ConfigureAwait(false);
        return (long)existed == 1;
    }

    private static string DocKey(string docId) => $"{Prefix}:doc:{docId}";
}

using System.Net;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// knowledge-base on the booted system: documents ingested and deleted over the bus (administrators' methods),
/// searched and asked through the gateway. Each test's documents carry a word and a tag of its own, so the lore and
/// other tests' documents never decide what it sees.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class KnowledgeBaseTests(SystemFixture system) : IAsyncLifetime
{
    private readonly ContentApi _api = new(system);
    private readonly string _tag = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _word = "wyrm" + Guid.NewGuid().ToString("N")[..8];
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task The_bundled_lore_is_searchable_from_the_start()
    {
        // Seeded in the background at start-up: a moment at most.
        var found = await ContentApi.UntilAsync(
            async () => await SearchAsync(new SearchRequest { Query = "Who is the Hollow King?", TopK = 3 }) is { Passages.Count: > 0 } r ? r : null, "the lore");

        Assert.Equal("lore-hollow-king", found.Passages[0].DocId);
        Assert.Equal("The Hollow King", found.Passages[0].Title);
        Assert.Contains("Hollow King", found.Passages[0].Text, StringComparison.Ordinal);
        Assert.True(found.Passages[0].Score > found.Passages[^1].Score);
    }

    [Fact]
    public async Task Three_documents_are_ranked_by_bm25_the_relevant_passage_first_with_its_score()
    {
        var ingested = new[]
        {
            await IngestAsync("ferries", "The Ferries of the Sel", $"The {_word} ferry crosses the river at dawn. The {_word} ferry is slow and the {_word} ferrymen are old."),
            await IngestAsync("bridges", "Bridges", $"Bridges cross the river in Emberly. A {_word} once slept beneath one of them, the tale says, though the bridge keepers deny it and point out that the river is deep and cold and that nobody has seen anything under the stones for a hundred years."),
            await IngestAsync("markets", "Markets of Quill", "The markets of Quill sell chained books, ink and paper. Nothing here floats."),
        };

        var found = await SearchAsync(new SearchRequest { Query = $"{_word} ferry", Tags = { _tag } });
        var tfOnly = await SearchAsync(new SearchRequest { Query = _word, Tags = { _tag } });

        Assert.All(ingested, r => Assert.Equal(1, r.Chunks));
        Assert.Equal(["ferries", "bridges"], found.Passages.Select(p => Unprefixed(p.DocId)));
        Assert.True(found.Passages[0].Score > found.Passages[1].Score && found.Passages[1].Score > 0, string.Join(", ", found.Passages.Select(p => p.Score)));
        Assert.Equal(("The Ferries of the Sel", 0), (found.Passages[0].Title, found.Passages[0].ChunkIndex));
        Assert.Contains("ferry crosses the river", found.Passages[0].Text, StringComparison.Ordinal);
        // The same word three times in a short passage outranks once in a long one: term frequency and length both count.
        Assert.Equal(["ferries", "bridges"], tfOnly.Passages.Select(p => Unprefixed(p.DocId)));
    }

    [Fact]
    public async Task A_long_document_is_split_into_passages_and_top_k_and_tags_bound_the_results()
    {
        var paragraphs = Enumerable.Range(1, 4).Select(i => $"Paragraph {i} tells of the {_word} and of nothing else worth telling at all.");
        var ingested = await IngestAsync("long", "A Long Tale", string.Join("\n\n", paragraphs), "extra");
        await IngestAsync("short", "A Short Tale", $"The {_word}.");

        var two = await SearchAsync(new SearchRequest { Query = _word, TopK = 2, Tags = { _tag } });
        var extraOnly = await SearchAsync(new SearchRequest { Query = _word, Tags = { _tag, "extra" } });
        var badK = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/knowledge/search", """{"query":"x","topK":51}""");
        var stopWords = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/knowledge/search", """{"query":"the of and"}""");

        Assert.Equal(4, ingested.Chunks);
        Assert.Equal(2, two.Passages.Count);
        Assert.Equal("short", Unprefixed(two.Passages[0].DocId));
        Assert.Equal(4, extraOnly.Passages.Count);
        Assert.Equal([0, 1, 2, 3], extraOnly.Passages.Select(p => p.ChunkIndex).Order());
        Assert.Equal((HttpStatusCode.BadRequest, "top_k"), (badK.Status, badK.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "query"), (stopWords.Status, stopWords.Field));
    }

    [Fact]
    public async Task Answer_retrieves_then_asks_a_model_and_cites_the_passages_it_was_given()
    {
        await IngestAsync("beacons", "The Beacons", $"The {_word} beacon is lit with blue fire when the horns sound.");
        await IngestAsync("horns", "The Horns", $"The horns of the marches are carved from {_word} bone.");
        var (token, _) = await _api.Http.NewPlayerAsync();

        var answer = await _api.CallAsync<AnswerResponse>(HttpMethod.Post, "/api/v1/knowledge/answer", new AnswerRequest { Question = $"What fire lights the {_word} beacon?", TopK = 2 }, token);
        var anonymous = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/knowledge/answer", """{"question":"x"}""");

        Assert.False(string.IsNullOrWhiteSpace(answer.Answer));
        Assert.Equal(ContentSource.Ai, answer.Source);
        Assert.NotEmpty(answer.ModelId);
        Assert.Equal("beacons", Unprefixed(answer.Citations[0].DocId));
        Assert.Equal("The Beacons", answer.Citations[0].Title);
        Assert.True(answer.Citations[0].Score > 0);
        Assert.InRange(answer.Citations.Count, 1, 2);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }

    [Fact]
    public async Task Delete_removes_a_document_from_the_results_and_reingesting_replaces_it()
    {
        await IngestAsync("doomed", "Doomed", $"The {_word} is doomed.");
        await IngestAsync("kept", "Kept", $"The {_word} is kept, and kept well.");
        var before = await SearchAsync(new SearchRequest { Query = _word, Tags = { _tag } });

        var deleted = await DeleteAsync("doomed");
        var again = await DeleteAsync("doomed");
        var after = await SearchAsync(new SearchRequest { Query = _word, Tags = { _tag } });
        await IngestAsync("kept", "Kept", "Nothing of note remains here.");
        var replaced = await SearchAsync(new SearchRequest { Query = _word, Tags = { _tag } });

        Assert.Equal(["doomed", "kept"], before.Passages.Select(p => Unprefixed(p.DocId)).Order());
        Assert.True(deleted.Deleted);
        Assert.False(again.Deleted);
        Assert.Equal(["kept"], after.Passages.Select(p => Unprefixed(p.DocId)));
        Assert.Empty(replaced.Passages);
    }

    [Fact]
    public async Task Ingest_and_delete_are_for_administrators_and_ingest_checks_its_fields()
    {
        var anonymous = await _api.ProblemAsync(HttpMethod.Put, "/api/v1/knowledge/documents/x", """{"title":"t","text":"x"}""");
        var noText = await Assert.ThrowsAsync<ServiceException>(() => IngestAsync("empty", "Empty", ""));
        var badId = await Assert.ThrowsAsync<ServiceException>(() => ContentApi.BusAsync<IngestResponse>(_bus, ContractRegistry.KnowledgeBase, "Ingest", new IngestRequest { DocId = "a b", Title = "t", Text = "x" }));
        var deleteAnonymous = await _api.ProblemAsync(HttpMethod.Delete, "/api/v1/knowledge/documents/lore-dragons");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal((ErrorCode.InvalidArgument, "text"), (noText.Code, noText.Error.Field));
        Assert.Equal((ErrorCode.InvalidArgument, "doc_id"), (badId.Code, badId.Error.Field));
        Assert.Equal(HttpStatusCode.Unauthorized, deleteAnonymous.Status);
    }

    private string DocId(string name) => $"{_tag}-{name}";

    private string Unprefixed(string docId) => docId.StartsWith(_tag + "-", StringComparison.Ordinal) ? docId[(_tag.Length + 1)..] : docId;

    private Task<IngestResponse> IngestAsync(string name, string title, string text, params string[] tags) =>
        ContentApi.BusAsync<IngestResponse>(_bus, ContractRegistry.KnowledgeBase, "Ingest", new IngestRequest { DocId = DocId(name), Title = title, Text = text, Tags = { _tag, "test", tags } });

    private Task<DeleteResponse> DeleteAsync(string name) =>
        ContentApi.BusAsync<DeleteResponse>(_bus, ContractRegistry.KnowledgeBase, "Delete", new DeleteRequest { DocId = DocId(name) });

    private Task<SearchResponse> SearchAsync(SearchRequest request) =>
        _api.CallAsync<SearchResponse>(HttpMethod.Post, "/api/v1/knowledge/search", request);
}

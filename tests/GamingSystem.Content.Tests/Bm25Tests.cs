using GamingSystem.KnowledgeBase.Domain;

namespace GamingSystem.Content.Tests;

public sealed class Bm25Tests
{
    [Fact]
    public void A_term_score_is_the_okapi_formula()
    {
        // N = 10, df = 2, tf = 3, length 8, average 10: idf = ln(1 + 8.5 / 2.5), norm = 1.2 x (0.25 + 0.75 x 0.8).
        var expected = Math.Log(1 + (8.5 / 2.5)) * 3 * 2.2 / (3 + (1.2 * (0.25 + (0.75 * 0.8))));

        Assert.Equal(expected, Bm25.TermScore(3, 2, 10, 8, 10), 12);
    }

    [Fact]
    public void A_rare_term_weighs_more_than_a_common_one_and_idf_is_never_negative()
    {
        Assert.True(Bm25.Idf(100, 1) > Bm25.Idf(100, 50));
        Assert.True(Bm25.Idf(3, 3) > 0);
    }

    [Fact]
    public void More_occurrences_rank_higher_with_diminishing_returns()
    {
        var one = Bm25.TermScore(1, 5, 100, 10, 10);
        var two = Bm25.TermScore(2, 5, 100, 10, 10);
        var ten = Bm25.TermScore(10, 5, 100, 10, 10);

        Assert.True(two > one && ten > two);
        Assert.True(ten < one * (Bm25.K1 + 1) * 1.0001);
    }

    [Fact]
    public void Of_equal_counts_the_shorter_passage_ranks_higher()
    {
        var stats = new CorpusStats(3, 60, new Dictionary<string, int> { ["short:0"] = 5, ["long:0"] = 50 });
        var postings = new[] { new Postings("ferry", new Dictionary<string, int> { ["long:0"] = 1, ["short:0"] = 1 }) };

        Assert.Equal(["short:0", "long:0"], Bm25.Rank(postings, stats).Select(r => r.Passage));
    }

    [Fact]
    public void Scores_add_up_over_the_query_terms_and_a_passage_with_both_wins()
    {
        var stats = new CorpusStats(4, 40, new Dictionary<string, int> { ["a:0"] = 10, ["b:0"] = 10, ["c:0"] = 10 });
        var postings = new[]
        {
            new Postings("hollow", new Dictionary<string, int> { ["a:0"] = 1, ["b:0"] = 1 }),
            new Postings("king", new Dictionary<string, int> { ["a:0"] = 1, ["c:0"] = 1 }),
        };

        var ranked = Bm25.Rank(postings, stats);

        Assert.Equal("a:0", ranked[0].Passage);
        Assert.Equal(ranked[1].Score * 2, ranked[0].Score, 5);
        Assert.Equal(["b:0", "c:0"], ranked.Skip(1).Select(r => r.Passage));
    }
}

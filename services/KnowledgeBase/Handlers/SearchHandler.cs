using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.KnowledgeBase.Domain;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.KnowledgeBase.Handlers;

public sealed class SearchHandler(KnowledgeStore store) : IServiceHandler<SearchRequest, SearchResponse>
{
    public async ValueTask<SearchResponse> HandleAsync(SearchRequest request, CallContext context)
    {
        KnowledgeRules.Query(request.Query, "query");
        var topK = KnowledgeRules.TopK(request.TopK, KnowledgeRules.DefaultTopK, KnowledgeRules.MaxTopK);
        KnowledgeRules.Tags(request.Tags);
        var terms = TextAnalyzer.Terms(request.Query).Distinct().ToList();
        if (terms.Count == 0)
        {
            throw ServiceException.InvalidArgument("query", "has no searchable words (only stop words or punctuation)");
        }

        return new SearchResponse { Passages = { await store.SearchAsync(terms, topK, request.Tags).ConfigureAwait(false) } };
    }
}

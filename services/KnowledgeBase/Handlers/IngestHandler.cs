using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.KnowledgeBase.Domain;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.KnowledgeBase.Handlers;

/// <summary>Splits the document into passages and indexes them, replacing any earlier version of the document.</summary>
public sealed class IngestHandler(KnowledgeStore store) : IServiceHandler<IngestRequest, IngestResponse>
{
    public async ValueTask<IngestResponse> HandleAsync(IngestRequest request, CallContext context)
    {
        KnowledgeRules.Ingest(request);
        var chunks = await store.PutAsync(request.DocId, request.Title.Trim(), [.. request.Tags.Distinct(StringComparer.OrdinalIgnoreCase)], Chunker.Split(request.Text)).ConfigureAwait(false);
        return new IngestResponse { DocId = request.DocId, Chunks = chunks };
    }
}

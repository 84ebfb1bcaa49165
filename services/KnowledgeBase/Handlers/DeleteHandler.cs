using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.KnowledgeBase.Handlers;

/// <summary>Removes the document and its passages from the index; deleting what is not there is not an error (deleted: false).</summary>
public sealed class DeleteHandler(KnowledgeStore store) : IServiceHandler<DeleteRequest, DeleteResponse>
{
    public async ValueTask<DeleteResponse> HandleAsync(DeleteRequest request, CallContext context)
    {
        KnowledgeRules.DocId(request.DocId);
        return new DeleteResponse { Deleted = await store.DeleteAsync(request.DocId).ConfigureAwait(false) };
    }
}

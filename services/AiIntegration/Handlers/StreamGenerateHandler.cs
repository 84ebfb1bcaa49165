using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiIntegration.Handlers;

public sealed class StreamGenerateHandler(Generator generator) : IStreamHandler<GenerateRequest, GenerateChunk>
{
    public IAsyncEnumerable<GenerateChunk> HandleAsync(GenerateRequest request, CallContext context) =>
        generator.StreamAsync(request, context.CancellationToken);
}

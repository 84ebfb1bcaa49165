using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiIntegration.Handlers;

public sealed class GenerateHandler(Generator generator) : IServiceHandler<GenerateRequest, GenerateResponse>
{
    public async ValueTask<GenerateResponse> HandleAsync(GenerateRequest request, CallContext context) =>
        await generator.GenerateAsync(request, context.CancellationToken).ConfigureAwait(false);
}

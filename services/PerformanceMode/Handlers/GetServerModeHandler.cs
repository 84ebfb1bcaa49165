using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.PerformanceMode.Handlers;

/// <summary>The server's mode with each service's load; every AI-backed service asks it (at most every two seconds).</summary>
public sealed class GetServerModeHandler(ServerStatusReader reader) : IServiceHandler<GetServerModeRequest, ServerStatus>
{
    public async ValueTask<ServerStatus> HandleAsync(GetServerModeRequest request, CallContext context) =>
        await reader.ReadAsync().ConfigureAwait(false);
}

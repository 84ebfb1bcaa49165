using GamingSystem.Contracts.Auth.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Auth.Handlers;

public sealed class LogoutHandler(AccountStore accounts) : IServiceHandler<LogoutRequest, LogoutResponse>
{
    public async ValueTask<LogoutResponse> HandleAsync(LogoutRequest request, CallContext context)
    {
        AuthRules.Token(request.Token);
        // Ending a session that has already ended is no error: the caller's goal is reached.
        await accounts.DeleteSessionAsync(Secrets.TokenHash(request.Token)).ConfigureAwait(false);
        return new LogoutResponse();
    }
}

using GamingSystem.Contracts.Auth.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Auth.Handlers;

public sealed class ValidateHandler(AccountStore accounts) : IServiceHandler<ValidateRequest, ValidateResponse>
{
    public async ValueTask<ValidateResponse> HandleAsync(ValidateRequest request, CallContext context)
    {
        AuthRules.Token(request.Token);
        var session = await accounts.TouchSessionAsync(Secrets.TokenHash(request.Token)).ConfigureAwait(false)
            ?? throw new ServiceException(ErrorCode.Unauthenticated, "the session has expired or never existed: log in again");
        return new ValidateResponse { PlayerId = session.PlayerId, Roles = { session.Roles }, ExpiresAt = Timestamp.FromDateTimeOffset(session.ExpiresAt) };
    }
}

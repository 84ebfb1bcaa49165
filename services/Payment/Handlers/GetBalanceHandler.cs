using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment.Handlers;

public sealed class GetBalanceHandler(WalletStore store) : IServiceHandler<GetBalanceRequest, Wallet>
{
    public async ValueTask<Wallet> HandleAsync(GetBalanceRequest request, CallContext context)
    {
        var player = PaymentRules.Caller(context);
        return await store.FindAsync(player).ConfigureAwait(false)
            ?? throw ServiceException.NotFound("you have no wallet yet: open it with POST /api/v1/wallet {\"currency\":\"GLD\"}");
    }
}

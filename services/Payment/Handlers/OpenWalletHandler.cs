using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment.Handlers;

public sealed class OpenWalletHandler(WalletStore store) : IServiceHandler<OpenWalletRequest, Wallet>
{
    public async ValueTask<Wallet> HandleAsync(OpenWalletRequest request, CallContext context)
    {
        var player = PaymentRules.Caller(context);
        PaymentRules.Currency(request.Currency);
        return await store.OpenAsync(player, request.Currency).ConfigureAwait(false);
    }
}

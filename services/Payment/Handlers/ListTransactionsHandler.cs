using System.Globalization;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.Payment.Handlers;

public sealed class ListTransactionsHandler(WalletStore store) : IServiceHandler<ListTransactionsRequest, ListTransactionsResponse>
{
    public async ValueTask<ListTransactionsResponse> HandleAsync(ListTransactionsRequest request, CallContext context)
    {
        var player = PaymentRules.Caller(context);
        var size = request.PageSize == 0 ? 20 : request.PageSize;
        if (size is < 1 or > 100)
        {
            throw ServiceException.InvalidArgument("page_size", $"must be 1 to 100, not {request.PageSize}");
        }

        long? remaining = null;
        if (request.PageToken.Length > 0)
        {
            remaining = long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var left) && left > 0
                ? left
                : throw ServiceException.InvalidArgument("page_token", "is not a token this service gave");
        }

        var (page, next) = await store.ListAsync(player, remaining, size).ConfigureAwait(false);
        return new ListTransactionsResponse
        {
            Transactions = { page },
            NextPageToken = next?.ToString(CultureInfo.InvariantCulture) ?? "",
        };
    }
}

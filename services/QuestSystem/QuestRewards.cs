using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace GamingSystem.QuestSystem;

/// <summary>
/// Rewards through payment, always inside the player's own call (payment sees their signed id and lets a service
/// credit only that player). The quest id is the credit's idempotency key: however often and however concurrently a
/// quest is completed, its reward is credited once.
/// </summary>
public sealed class QuestRewards(ServiceClient client, IOptions<QuestOptions> options)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetBalance = ContractRegistry.Payment.FindMethodByName("GetBalance");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor OpenWallet = ContractRegistry.Payment.FindMethodByName("OpenWallet");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Credit = ContractRegistry.Payment.FindMethodByName("Credit");

    /// <summary>
    /// The currency to reward the caller in: their wallet's, so the reward the quest shows is what they receive; the
    /// configured default when they have no wallet yet or payment cannot be asked (generating a quest moves no money).
    /// </summary>
    public async Task<string> CurrencyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var wallet = await client.RequestAsync<Wallet>(GetBalance, new GetBalanceRequest(), new CallOptions { Timeout = TimeSpan.FromSeconds(2) }, cancellationToken).ConfigureAwait(false);
            return wallet.Currency;
        }
        catch (ServiceException ex) when (ex.Code is ErrorCode.NotFound or ErrorCode.Unavailable or ErrorCode.DeadlineExceeded)
        {
            return options.Value.DefaultCurrency;
        }
    }

    /// <summary>Credits the reward once per quest; a player without a wallet gets one opened in the reward's currency.</summary>
    public async Task<TransactionResult> CreditAsync(Quest quest, CancellationToken cancellationToken)
    {
        var credit = new CreditRequest
        {
            PlayerId = quest.PlayerId,
            Amount = quest.Reward.Amount,
            Reason = $"quest {quest.Id} reward",
            IdempotencyKey = $"quest:{quest.Id}",
        };
        // Keyed, so the client may retry it after a lost reply: payment answers a repeat with the first result.
        var keyed = new CallOptions { IdempotencyKey = credit.IdempotencyKey };
        try
        {
            return await client.RequestAsync<TransactionResult>(Credit, credit, keyed, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException ex) when (ex.Code == ErrorCode.NotFound)
        {
            await client.RequestAsync<Wallet>(OpenWallet, new OpenWalletRequest { Currency = quest.Reward.Currency }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await client.RequestAsync<TransactionResult>(Credit, credit, keyed, cancellationToken).ConfigureAwait(false);
        }
    }
}

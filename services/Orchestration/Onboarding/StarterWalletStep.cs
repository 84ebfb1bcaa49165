using GamingSystem.Contracts;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Orchestration.Onboarding;

/// <summary>
/// Opens the player's wallet and credits the starter grant under an idempotency key of this workflow, so a run
/// repeated after a crash never pays twice. Compensation takes the grant back (a wallet cannot be closed).
/// </summary>
public sealed class StarterWalletStep(ServiceClient client, OnboardingOptions options) : IWorkflowStep
{
    private const string Currency = "currency";
    private const string Amount = "amount";
    private const string CreditKey = "credit_key";

    private static readonly Google.Protobuf.Reflection.MethodDescriptor OpenWallet = ContractRegistry.Payment.FindMethodByName("OpenWallet");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Credit = ContractRegistry.Payment.FindMethodByName("Credit");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Charge = ContractRegistry.Payment.FindMethodByName("Charge");

    public string Name => "starter-wallet";

    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        // The grant is fixed when the step first runs: a configuration changed meanwhile neither alters a retry nor its compensation.
        if (!context.Data.Fields.ContainsKey(Amount))
        {
            context.Data.Fields[Currency] = Value.ForString(options.Currency);
            context.Data.Fields[Amount] = Value.ForString(options.StarterGrant.ToString(System.Globalization.CultureInfo.InvariantCulture));
            context.Data.Fields[CreditKey] = Value.ForString($"onboarding-{context.WorkflowId}");
            await context.SaveDataAsync().ConfigureAwait(false);
        }

        var player = new CallOptions { PlayerId = context.PlayerId };
        var currency = context.Data.Fields[Currency].StringValue;
        await client.RequestAsync<Wallet>(OpenWallet, new OpenWalletRequest { Currency = currency }, player, context.CancellationToken).ConfigureAwait(false);
        var result = await client.RequestAsync<TransactionResult>(Credit, CreditRequest(context), player, context.CancellationToken).ConfigureAwait(false);

        context.Output.Fields["wallet"] = Value.ForStruct(new Struct
        {
            Fields =
            {
                [Currency] = Value.ForString(currency),
                ["balance"] = Value.ForString(result.Balance.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
        });
        return StepOutcome.Done($"opened a {currency} wallet and granted {result.Transaction.Amount}");
    }

    public async Task<string> CompensateAsync(StepContext context)
    {
        if (!context.Data.Fields.ContainsKey(CreditKey))
        {
            return "no money moved";
        }

        var player = new CallOptions { PlayerId = context.PlayerId };
        var credit = CreditRequest(context);
        try
        {
            // Whether the grant reached the wallet is unknown after a failure or a crash: replaying it under its key
            // makes it certain (a repeat moves nothing), so that exactly it is taken back.
            await client.RequestAsync<TransactionResult>(Credit, credit, player, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException ex) when (ex.Code == Contracts.Common.V1.ErrorCode.NotFound)
        {
            return "no wallet was opened: no money moved";
        }

        var charge = new ChargeRequest
        {
            PlayerId = context.PlayerId,
            Amount = credit.Amount,
            Reason = "starter grant taken back: player-onboarding did not complete",
            IdempotencyKey = $"{credit.IdempotencyKey}-undo",
        };
        await client.RequestAsync<TransactionResult>(Charge, charge, player, context.CancellationToken).ConfigureAwait(false);
        return $"took back the starter grant of {credit.Amount}";
    }

    private static CreditRequest CreditRequest(StepContext context) => new()
    {
        PlayerId = context.PlayerId,
        Amount = long.Parse(context.Data.Fields[Amount].StringValue, System.Globalization.CultureInfo.InvariantCulture),
        Reason = "starter grant (player-onboarding)",
        IdempotencyKey = context.Data.Fields[CreditKey].StringValue,
    };
}

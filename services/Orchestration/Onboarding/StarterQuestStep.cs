using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Orchestration.Onboarding;

/// <summary>
/// Gives the player an easy quest in the starter region and accepts it for them. The quest is generated under an
/// idempotency key of this workflow, so a run repeated after a crash finds the same quest instead of making a second;
/// compensation abandons it (unless the player completed it meanwhile: a reward earned is kept).
/// </summary>
public sealed class StarterQuestStep(ServiceClient client, OnboardingOptions options) : IWorkflowStep
{
    private const string QuestId = "quest_id";
    private const string GenerateKey = "generate_key";

    private static readonly Google.Protobuf.Reflection.MethodDescriptor Generate = ContractRegistry.QuestSystem.FindMethodByName("GenerateQuest");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Accept = ContractRegistry.QuestSystem.FindMethodByName("AcceptQuest");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Abandon = ContractRegistry.QuestSystem.FindMethodByName("AbandonQuest");

    public string Name => "starter-quest";

    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        if (!context.Data.Fields.ContainsKey(GenerateKey))
        {
            context.Data.Fields[GenerateKey] = Value.ForString($"onboarding-{context.WorkflowId}");
            await context.SaveDataAsync().ConfigureAwait(false);
        }

        var questId = await GenerateAsync(context).ConfigureAwait(false);
        var player = new CallOptions { PlayerId = context.PlayerId };
        var quest = await client.RequestAsync<Quest>(Accept, new AcceptQuestRequest { QuestId = questId }, player, context.CancellationToken).ConfigureAwait(false);
        context.Output.Fields["quest"] = Value.ForStruct(new Struct
        {
            Fields =
            {
                ["id"] = Value.ForString(quest.Id),
                ["title"] = Value.ForString(quest.Title),
                ["region_id"] = Value.ForString(quest.RegionId),
            },
        });
        return StepOutcome.Done($"accepted the starter quest '{quest.Title}' in {quest.RegionId}");
    }

    public async Task<string> CompensateAsync(StepContext context)
    {
        if (!context.Data.Fields.ContainsKey(GenerateKey))
        {
            return "no quest was given";
        }

        // Whether the quest was made is unknown after a failure or a crash: asking again under the same key makes it
        // certain (the first call's quest comes back), so exactly that quest is withdrawn.
        var questId = await GenerateAsync(context).ConfigureAwait(false);
        try
        {
            await client.RequestAsync<Quest>(Abandon, new AbandonQuestRequest { QuestId = questId }, new CallOptions { PlayerId = context.PlayerId }, context.CancellationToken)
                .ConfigureAwait(false);
            return $"abandoned the starter quest {questId}";
        }
        catch (ServiceException ex) when (ex.Code == ErrorCode.FailedPrecondition)
        {
            return $"the player completed the starter quest {questId} already: its reward stays theirs";
        }
    }

    private async Task<string> GenerateAsync(StepContext context)
    {
        if (context.Data.Fields.TryGetValue(QuestId, out var known))
        {
            return known.StringValue;
        }

        var call = new CallOptions { PlayerId = context.PlayerId, IdempotencyKey = context.Data.Fields[GenerateKey].StringValue };
        var generated = await client.RequestAsync<Quest>(
            Generate, new GenerateQuestRequest { RegionId = options.StarterRegion, Difficulty = Difficulty.Easy }, call, context.CancellationToken).ConfigureAwait(false);
        context.Data.Fields[QuestId] = Value.ForString(generated.Id);
        await context.SaveDataAsync().ConfigureAwait(false);
        return generated.Id;
    }
}

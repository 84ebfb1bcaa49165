using GamingSystem.Contracts;
using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Orchestration.Onboarding;

/// <summary>
/// Gives the player an easy quest in the starter region and accepts it for them. While quest-system is not part of
/// the system (capability-registry knows no instance of it), the step is skipped and says so.
/// </summary>
public sealed class StarterQuestStep(ServiceClient client, OnboardingOptions options) : IWorkflowStep
{
    private const string QuestId = "quest_id";

    private static readonly Google.Protobuf.Reflection.MethodDescriptor Find = ContractRegistry.CapabilityRegistry.FindMethodByName("Find");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Generate = ContractRegistry.QuestSystem.FindMethodByName("GenerateQuest");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Accept = ContractRegistry.QuestSystem.FindMethodByName("AcceptQuest");

    public string Name => "starter-quest";

    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var capability = ServiceSubjects.For(Generate);
        var live = await client.RequestAsync<FindResponse>(Find, new FindRequest { Capability = capability }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        if (live.Instances.Count == 0)
        {
            return StepOutcome.Skip($"quest-system is not running in this system (no instance offers {capability}): no starter quest was given");
        }

        var player = new CallOptions { PlayerId = context.PlayerId };
        if (!context.Data.Fields.ContainsKey(QuestId))
        {
            var generated = await client.RequestAsync<Quest>(
                Generate, new GenerateQuestRequest { RegionId = options.StarterRegion, Difficulty = Difficulty.Easy }, player, context.CancellationToken).ConfigureAwait(false);
            context.Data.Fields[QuestId] = Value.ForString(generated.Id);
            await context.SaveDataAsync().ConfigureAwait(false);
        }

        var questId = context.Data.Fields[QuestId].StringValue;
        var quest = await client.RequestAsync<Quest>(Accept, new AcceptQuestRequest { QuestId = questId }, player, context.CancellationToken).ConfigureAwait(false);
        context.Output.Fields["quest"] = Value.ForStruct(new Struct { Fields = { ["id"] = Value.ForString(quest.Id), ["title"] = Value.ForString(quest.Title) } });
        return StepOutcome.Done($"accepted the starter quest '{quest.Title}'");
    }

    /// <summary>quest-system has no way to withdraw a quest: an accepted starter quest stays with the player.</summary>
    public Task<string> CompensateAsync(StepContext context) =>
        Task.FromResult(context.Data.Fields.ContainsKey(QuestId) ? "the starter quest stays with the player (a quest cannot be withdrawn)" : "no quest was given");
}

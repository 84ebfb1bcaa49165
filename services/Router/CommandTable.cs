using GamingSystem.Contracts;
using GamingSystem.Contracts.BodyBrokerIntegration.V1;
using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.Contracts.Payment.V1;
using GamingSystem.Contracts.QuestSystem.V1;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.Contracts.WorldState.V1;

namespace GamingSystem.Router;

/// <summary>The commands a player can type, each routed to the service that owns it.</summary>
public sealed class CommandTable
{
    public IReadOnlyList<Command> Commands { get; } =
    [
        new("look", "look", "Where you are.", ContractRegistry.WorldState.FindMethodByName("GetPlayerLocation"),
            _ => new GetPlayerLocationRequest(), "You are in {regionId}."),
        new("go", "go <region>", "Travel to a region.", ContractRegistry.WorldState.FindMethodByName("MovePlayer"),
            args => new MovePlayerRequest { RegionId = args[0] }, "You travel to {regionId}."),
        new("talk", "talk <npc> <text>", "Say something to a character.", ContractRegistry.NpcBehavior.FindMethodByName("Talk"),
            args => new TalkRequest { NpcId = args[0], Utterance = args[1] }, "{npcId}: {line}"),
        new("quests", "quests", "Your quests.", ContractRegistry.QuestSystem.FindMethodByName("ListQuests"),
            _ => new ListQuestsRequest(), "You have {quests.length} quests."),
        new("accept", "accept <quest>", "Accept a quest.", ContractRegistry.QuestSystem.FindMethodByName("AcceptQuest"),
            args => new AcceptQuestRequest { QuestId = args[0] }, "Accepted: {title}."),
        new("wallet", "wallet", "Your balance.", ContractRegistry.Payment.FindMethodByName("GetBalance"),
            _ => new GetBalanceRequest(), "Your balance is {balance} {currency}."),
        new("weather", "weather [region]", "The weather where you are, or in a region.", ContractRegistry.WeatherManager.FindMethodByName("GetWeather"),
            args => new GetWeatherRequest { RegionId = args[0] }, "{regionId}: {condition}, {temperatureCelsius} °C."),
        new("time", "time", "The game time.", ContractRegistry.TimeManager.FindMethodByName("GetTime"),
            _ => new GetTimeRequest(), "Day {day}, {hour}:{minute} ({phase})."),
        new("buy", "buy <offer>", "Buy an offer on the body market.", ContractRegistry.BodyBrokerIntegration.FindMethodByName("Buy"),
            args => new BuyRequest { OfferId = args[0], IdempotencyKey = Guid.NewGuid().ToString("N") }, "Bought {offer.id} (transaction {transactionId})."),
    ];

    public Command? Find(string verb) => Commands.FirstOrDefault(c => c.Verb == verb);

    /// <summary>The known verb closest to <paramref name="verb"/> (fewest edits), for "did you mean".</summary>
    public string Closest(string verb) => Commands.MinBy(c => Distance(c.Verb, verb))!.Verb;

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}

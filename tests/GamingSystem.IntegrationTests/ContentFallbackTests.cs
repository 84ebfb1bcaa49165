using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.Contracts.NpcBehavior.V1;
using GamingSystem.Contracts.StoryTeller.V1;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The content services with ai-router stopped: every AI-backed answer still comes, from the service's own
/// deterministic generator, says so, and is built from the real state (the NPC's persona and the player's words, the
/// retrieved passages, the arc's theme); when ai-router is back, the models write again.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ContentFallbackTests(SystemFixture system) : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(90);
    private readonly ContentApi _api = new(system);
    private readonly string _word = "glim" + Guid.NewGuid().ToString("N")[..8];
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Without_ai_router_npcs_talk_answers_quote_and_stories_go_on_from_their_fallbacks()
    {
        var npc = await ContentApi.BusAsync<Npc>(_bus, ContractRegistry.NpcBehavior, "RegisterNpc", new RegisterNpcRequest
        {
            Name = "Orla",
            Persona = "a gruff smuggler of Saltmoor",
            HomeRegionId = "saltmoor",
            Traits = new Traits { Aggression = 0.9, Greed = 0.8 },
            Needs = new Needs { Hunger = 0.9 },
        });
        await ContentApi.BusAsync<IngestResponse>(_bus, ContractRegistry.KnowledgeBase, "Ingest", new IngestRequest
        {
            DocId = $"fallback-{_word}",
            Title = "Lanterns",
            Text = $"Glass lanterns are blown in Emberly. The {_word} lantern burns without oil. Nobody knows who made it.",
        });
        var (token, _) = await _api.Http.NewPlayerAsync();
        var arc = await _api.CallAsync<Arc>(HttpMethod.Post, "/api/v1/stories", new StartArcRequest { Theme = "the smuggler's debt" }, token);
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();

        var stop = await commands.ExecuteCommandAsync(ResourceNames.AiRouter, KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        TalkResponse talk;
        AnswerResponse answer;
        Beat beat;
        try
        {
            await system.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.AiRouter, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
            talk = await TalkAsync(npc.Id, token);
            answer = await AnswerAsync(token);
            beat = await _api.CallAsync<Beat>(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats", new NextBeatRequest(), token);
        }
        finally
        {
            var start = await commands.ExecuteCommandAsync(ResourceNames.AiRouter, KnownResourceCommands.StartCommand);
            Assert.True(start.Success, start.Message);
        }

        Assert.Equal((ContentSource.Fallback, ""), (talk.Source, talk.ModelId));
        Assert.Contains("Orla", talk.Line, StringComparison.Ordinal);
        Assert.Contains("Lantern", talk.Line, StringComparison.Ordinal);
        Assert.Contains("not eaten", talk.Line, StringComparison.Ordinal);

        Assert.Equal(ContentSource.Fallback, answer.Source);
        Assert.Contains($"The {_word} lantern burns without oil. [1]", answer.Answer, StringComparison.Ordinal);
        Assert.Equal($"fallback-{_word}", Assert.Single(answer.Citations).DocId);

        Assert.Equal(ContentSource.Fallback, beat.Source);
        Assert.Contains("the smuggler's debt", beat.Text, StringComparison.Ordinal);
        Assert.InRange(beat.Choices.Count, 2, 4);

        using var timeout = new CancellationTokenSource(RecoveryDeadline);
        await system.WaitHealthyAsync(ResourceNames.AiRouter, timeout.Token);
        await ContentApi.UntilAsync(async () => (await TalkAsync(npc.Id, token)).Source == ContentSource.Ai ? "" : null, "npc-behavior to talk through a model again", RecoveryDeadline);
        await ContentApi.UntilAsync(async () => (await AnswerAsync(token)).Source == ContentSource.Ai ? "" : null, "knowledge-base to answer through a model again", RecoveryDeadline);
    }

    private Task<TalkResponse> TalkAsync(string npcId, string token) =>
        _api.CallAsync<TalkResponse>(HttpMethod.Post, $"/api/v1/npcs/{npcId}/talk", new TalkRequest { Utterance = "What about the lantern?" }, token);

    private Task<AnswerResponse> AnswerAsync(string token) =>
        _api.CallAsync<AnswerResponse>(HttpMethod.Post, "/api/v1/knowledge/answer", new AnswerRequest { Question = $"What is special about the {_word} lantern?", TopK = 1 }, token);
}

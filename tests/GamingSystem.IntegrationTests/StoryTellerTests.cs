using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StoryTeller.V1;
using Google.Protobuf;

namespace GamingSystem.IntegrationTests;

/// <summary>story-teller through the gateway, as a player: arcs, beats with their choices, the streamed beat, the history.</summary>
[Collection(SystemCollection.Name)]
public sealed class StoryTellerTests(SystemFixture system)
{
    private readonly ContentApi _api = new(system);

    [Fact]
    public async Task An_arc_grows_beat_by_beat_through_the_offered_choices_and_keeps_its_history()
    {
        var (token, playerId) = await _api.Http.NewPlayerAsync();
        var arc = await _api.CallAsync<Arc>(HttpMethod.Post, "/api/v1/stories", new StartArcRequest { Theme = "a stolen lantern" }, token);

        var beats = new List<Beat>();
        var choice = "";
        for (var i = 0; i < 4; i++)
        {
            var beat = await _api.CallAsync<Beat>(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats", new NextBeatRequest { ChoiceId = choice }, token);
            beats.Add(beat);
            choice = beat.Choices[i % beat.Choices.Count].Id;
        }

        var read = await _api.CallAsync<Arc>(HttpMethod.Get, $"/api/v1/stories/{arc.Id}", token: token);

        Assert.Equal((playerId, "a stolen lantern"), (arc.PlayerId, arc.Theme));
        Assert.Empty(arc.Beats);
        Assert.Equal([0, 1, 2, 3], beats.Select(b => b.Index));
        Assert.All(beats, b =>
        {
            Assert.InRange(b.Choices.Count, 2, 4);
            Assert.Equal(b.Choices.Count, b.Choices.Select(c => c.Id).Distinct().Count());
            Assert.False(string.IsNullOrWhiteSpace(b.Text));
            Assert.NotEqual(ContentSource.Unspecified, b.Source);
        });
        // Each beat names the choice of the one before that led to it.
        Assert.Equal("", beats[0].ChosenChoiceId);
        for (var i = 1; i < beats.Count; i++)
        {
            Assert.Contains(beats[i - 1].Choices, c => c.Id == beats[i].ChosenChoiceId);
        }

        Assert.Equal(beats, read.Beats);
        Assert.Equal(arc.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task A_choice_the_last_beat_did_not_offer_is_invalid_argument_naming_choice_id_and_a_retry_returns_the_same_beat()
    {
        var (token, _) = await _api.Http.NewPlayerAsync();
        var arc = await _api.CallAsync<Arc>(HttpMethod.Post, "/api/v1/stories", new StartArcRequest { Theme = "revenge" }, token);
        var path = $"/api/v1/stories/{arc.Id}/beats";

        var early = await _api.ProblemAsync(HttpMethod.Post, path, """{"choiceId":"b0-1"}""", token);
        var first = await _api.CallAsync<Beat>(HttpMethod.Post, path, new NextBeatRequest(), token);
        var invented = await _api.ProblemAsync(HttpMethod.Post, path, """{"choiceId":"run away"}""", token);
        var second = await _api.CallAsync<Beat>(HttpMethod.Post, path, new NextBeatRequest { ChoiceId = first.Choices[^1].Id }, token);
        var retried = await _api.CallAsync<Beat>(HttpMethod.Post, path, new NextBeatRequest { ChoiceId = first.Choices[^1].Id }, token);
        var history = await _api.CallAsync<Arc>(HttpMethod.Get, $"/api/v1/stories/{arc.Id}", token: token);

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "choice_id"), early);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "choice_id"), invented);
        Assert.Equal(second, retried);
        Assert.Equal(2, history.Beats.Count);
    }

    [Fact]
    public async Task An_arc_is_its_players_alone_and_a_theme_is_required()
    {
        var owner = await _api.Http.NewPlayerAsync();
        var other = await _api.Http.NewPlayerAsync();
        var arc = await _api.CallAsync<Arc>(HttpMethod.Post, "/api/v1/stories", new StartArcRequest { Theme = "lost heir" }, owner.Token);

        var read = await _api.ProblemAsync(HttpMethod.Get, $"/api/v1/stories/{arc.Id}", token: other.Token);
        var next = await _api.ProblemAsync(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats", "{}", other.Token);
        var noTheme = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/stories", """{"theme":"  "}""", owner.Token);
        var anonymous = await _api.ProblemAsync(HttpMethod.Post, "/api/v1/stories", """{"theme":"x"}""");

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.Equal(HttpStatusCode.NotFound, next.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "theme"), (noTheme.Status, noTheme.Field));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }

    [Fact]
    public async Task The_streamed_beat_arrives_as_several_events_whose_deltas_make_the_final_beat_which_joins_the_history()
    {
        var (token, _) = await _api.Http.NewPlayerAsync();
        var arc = await _api.CallAsync<Arc>(HttpMethod.Post, "/api/v1/stories", new StartArcRequest { Theme = "the drowned crown" }, token);
        var first = await _api.CallAsync<Beat>(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats", new NextBeatRequest(), token);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats/stream")
        {
            Content = new StringContent(JsonFormatter.Default.Format(new NextBeatRequest { ChoiceId = first.Choices[0].Id }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await system.Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            events.Add(item);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("end", events[^1].EventType);
        var chunks = events.Where(e => e.EventType == "message").Select(e => JsonParser.Default.Parse<BeatChunk>(e.Data)).ToList();
        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        Assert.All(chunks[..^1], c => Assert.Null(c.Beat));
        var beat = chunks[^1].Beat;
        Assert.NotNull(beat);
        Assert.Equal(beat.Text, string.Concat(chunks.Select(c => c.Delta)));
        Assert.Equal((1, first.Choices[0].Id), (beat.Index, beat.ChosenChoiceId));
        Assert.InRange(beat.Choices.Count, 2, 4);
        var history = await _api.CallAsync<Arc>(HttpMethod.Get, $"/api/v1/stories/{arc.Id}", token: token);
        Assert.Equal([first, beat], history.Beats);

        // The next call accepts one of the streamed beat's choices.
        var third = await _api.CallAsync<Beat>(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats", new NextBeatRequest { ChoiceId = beat.Choices[^1].Id }, token);
        Assert.Equal(2, third.Index);
    }

    [Fact]
    public async Task A_refused_stream_is_a_problem_response_naming_the_field()
    {
        var (token, _) = await _api.Http.NewPlayerAsync();
        var arc = await _api.CallAsync<Arc>(HttpMethod.Post, "/api/v1/stories", new StartArcRequest { Theme = "exile" }, token);

        var bad = await _api.ProblemAsync(HttpMethod.Post, $"/api/v1/stories/{arc.Id}/beats/stream", """{"choiceId":"nope"}""", token);

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "choice_id"), bad);
    }
}

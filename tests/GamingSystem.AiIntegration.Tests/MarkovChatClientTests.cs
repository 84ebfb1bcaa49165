using GamingSystem.AiIntegration;
using GamingSystem.AiIntegration.Local;
using Microsoft.Extensions.AI;

namespace GamingSystem.AiIntegration.Tests;

/// <summary>The offline provider: deterministic for a seed, bounded by its token limit, the same streamed or whole.</summary>
public sealed class MarkovChatClientTests
{
    private static readonly IChatClient Client = LocalProvider.Create().Client;

    private static readonly ChatMessage[] Prompt = [new(ChatRole.System, "You are the chronicler of Varrow."), new(ChatRole.User, "Tell me about the dragons of the Ember Sea.")];

    [Theory]
    [InlineData("local-markov-small")]
    [InlineData("local-markov-large")]
    public async Task The_same_seed_prompt_and_parameters_give_the_same_text(string model)
    {
        var first = await Client.GetResponseAsync(Prompt, Options(model, seed: 42));
        var second = await Client.GetResponseAsync(Prompt, Options(model, seed: 42));

        Assert.False(string.IsNullOrWhiteSpace(first.Text));
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Usage!.OutputTokenCount, second.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Different_seeds_give_different_texts()
    {
        var texts = new HashSet<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            texts.Add((await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed))).Text);
        }

        Assert.True(texts.Count >= 4, $"5 seeds gave only {texts.Count} different texts");
    }

    [Fact]
    public async Task A_different_prompt_with_the_same_seed_gives_a_different_text()
    {
        var dragons = await Client.GetResponseAsync(Prompt, Options("local-markov-large", seed: 7));
        var coins = await Client.GetResponseAsync([new ChatMessage(ChatRole.User, "How do people pay for a meal at an inn?")], Options("local-markov-large", seed: 7));

        Assert.NotEqual(dragons.Text, coins.Text);
    }

    [Theory]
    [InlineData("local-markov-small", 1)]
    [InlineData("local-markov-small", 2)]
    [InlineData("local-markov-large", 3)]
    [InlineData("local-markov-large", 4)]
    public async Task The_text_starts_from_a_lore_sentence_about_the_prompts_subject(string model, long seed)
    {
        // "The" and "any" are too short to be a subject, so only sentences about dragons qualify.
        var response = await Client.GetResponseAsync([new ChatMessage(ChatRole.User, "The DRAGONS, any?")], Options(model, seed));

        Assert.Contains("dragons", response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(12)]
    public async Task Max_tokens_cuts_the_same_text_short_and_the_finish_reason_says_length(int maxTokens)
    {
        var unlimited = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 2));
        var response = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 2, maxTokens: maxTokens));

        Assert.True(Tokens.Count(unlimited.Text) > maxTokens, unlimited.Text);
        Assert.Equal(Tokens.Split(unlimited.Text).Take(maxTokens), Tokens.Split(response.Text));
        Assert.Equal(maxTokens, response.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task A_limit_the_text_ends_within_is_a_stop()
    {
        var unlimited = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 2));
        var exact = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 2, maxTokens: (int)unlimited.Usage!.OutputTokenCount!));

        Assert.Equal((unlimited.Text, ChatFinishReason.Stop), (exact.Text, exact.FinishReason.GetValueOrDefault()));
    }

    [Fact]
    public async Task Without_a_limit_a_generation_ends_at_the_end_of_a_paragraph_with_stop()
    {
        var response = await Client.GetResponseAsync(Prompt, Options("local-markov-large", seed: 11, temperature: 0.5f));

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.OutputTokenCount < MarkovChatClient.DefaultMaxTokens);
        Assert.Equal(Tokens.Count(response.Text), response.Usage.OutputTokenCount);
        Assert.Equal(Prompt.Sum(m => Tokens.Count(m.Text)), response.Usage.InputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Streaming_yields_one_token_per_update_that_add_up_to_the_same_text_then_a_final_update_with_usage()
    {
        var whole = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 99, maxTokens: 40));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Client.GetStreamingResponseAsync(Prompt, Options("local-markov-small", seed: 99, maxTokens: 40)))
        {
            updates.Add(update);
        }

        var text = updates.Where(u => u.Text.Length > 0).ToList();
        Assert.Equal(40, text.Count);
        Assert.All(text, u => Assert.Equal(1, Tokens.Count(u.Text)));
        Assert.Equal(Tokens.Split(whole.Text), text.Select(u => u.Text.Trim()));
        Assert.Equal(whole.Text, string.Concat(text.Select(u => u.Text)));
        var last = updates[^1];
        Assert.Equal((ChatFinishReason?)ChatFinishReason.Length, last.FinishReason);
        Assert.Equal(40, last.Contents.OfType<UsageContent>().Single().Details.OutputTokenCount);
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
    }

    [Fact]
    public async Task Temperature_zero_always_takes_the_most_frequent_next_word()
    {
        // Greedy decoding falls into a loop in a small chain; the seed only picks where it starts.
        var cold = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 5, temperature: 0f, maxTokens: 60));
        var hot = await Client.GetResponseAsync(Prompt, Options("local-markov-small", seed: 5, temperature: 2f, maxTokens: 60));

        Assert.NotEqual(cold.Text, hot.Text);
        Assert.True(Tokens.Split(cold.Text).Distinct().Count() < Tokens.Split(hot.Text).Distinct().Count());
    }

    [Fact]
    public async Task A_model_it_does_not_serve_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetResponseAsync(Prompt, Options("gpt-imaginary", seed: 1)));
    }

    [Fact]
    public void The_lore_trains_both_orders_and_the_provider_serves_the_seeded_model_ids()
    {
        var provider = LocalProvider.Create();

        Assert.Equal(["local-markov-large", "local-markov-small"], provider.Models);
        Assert.True(LocalProvider.Lore().Length > 3000);
    }

    private static ChatOptions Options(string model, long seed, int? maxTokens = null, float? temperature = null) =>
        new() { ModelId = model, Seed = seed, MaxOutputTokens = maxTokens, Temperature = temperature };
}

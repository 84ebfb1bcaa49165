using GamingSystem.Contracts;
using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GamingSystem.ServiceDefaults.Ai;

/// <summary>What an AI-backed service asks for: the task, the prompt and how long it may wait.</summary>
public sealed record AiPrompt(TaskType Task, string Prompt)
{
    /// <summary>Instructions placed before the prompt, e.g. an NPC's persona.</summary>
    public string SystemPrompt { get; init; } = "";

    public int MaxTokens { get; init; }

    /// <summary>For reproducible output where the model supports it (the local models do).</summary>
    public long? Seed { get; init; }
}

/// <summary>The text and who wrote it: the model (<see cref="ContentSource.Ai"/>) or the service's own generator.</summary>
public sealed record AiText(string Text, ContentSource Source, string Model, string Reason)
{
    public static AiText Fallback(string text, string reason) => new(text, ContentSource.Fallback, "", reason);
}

public sealed class AiContentOptions
{
    public const string SectionName = "AiContent";

    /// <summary>How long a service waits for ai-router before it answers from its fallback.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the server mode read from performance-mode is trusted.</summary>
    public TimeSpan ModeCacheDuration { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The one way an AI-backed service gets text: through ai-router, unless performance-mode says the server is in
/// survival mode; when AI is skipped, fails or is slower than <see cref="AiContentOptions.Timeout"/>, the service's
/// own deterministic generator answers and the result says so. A service that calls it references ai-router and
/// performance-mode in the AppHost.
/// </summary>
public sealed partial class AiContent(ServiceClient client, TimeProvider time, IOptions<AiContentOptions> options, ILogger<AiContent> logger)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Route = ContractRegistry.AiRouter.FindMethodByName("Route");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetServerMode = ContractRegistry.PerformanceMode.FindMethodByName("GetServerMode");

    private readonly SemaphoreSlim _modeLock = new(1, 1);
    private (ServerMode Mode, DateTimeOffset ReadAt)? _mode;

    /// <summary>
    /// The text from AI, or from <paramref name="fallback"/> (which must not fail) with the reason. Called inside a
    /// handler, the call to ai-router carries the handler's caller like every outgoing call.
    /// </summary>
    public async Task<AiText> GenerateAsync(AiPrompt prompt, Func<string> fallback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(fallback);
        if (await ModeAsync(cancellationToken).ConfigureAwait(false) == ServerMode.Survival)
        {
            return AiText.Fallback(fallback(), "the server is in survival mode");
        }

        var request = new RouteRequest
        {
            TaskType = prompt.Task,
            Prompt = prompt.Prompt,
            SystemPrompt = prompt.SystemPrompt,
            MaxTokens = prompt.MaxTokens,
        };
        if (prompt.Seed is { } seed)
        {
            request.Seed = seed;
        }

        try
        {
            var call = new CallOptions { Timeout = options.Value.Timeout };
            var response = await client.RequestAsync<RouteResponse>(Route, request, call, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(response.Text))
            {
                return new AiText(response.Text.Trim(), ContentSource.Ai, response.ModelId, "");
            }

            return AiText.Fallback(fallback(), "the model returned no text");
        }
        catch (Exception ex) when (ex is ServiceException or TimeoutException or NATS.Client.Core.NatsException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFellBack(ex.Message);
            return AiText.Fallback(fallback(), ex is ServiceException s ? $"AI unavailable ({s.Error.Code})" : "AI unavailable");
        }
    }

    /// <summary>performance-mode's current mode, read at most once per <see cref="AiContentOptions.ModeCacheDuration"/>; NORMAL when it cannot be asked.</summary>
    public async Task<ServerMode> ModeAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_mode is { } cached && now - cached.ReadAt < options.Value.ModeCacheDuration)
        {
            return cached.Mode;
        }

        await _modeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_mode is { } again && now - again.ReadAt < options.Value.ModeCacheDuration)
            {
                return again.Mode;
            }

            ServerMode mode;
            try
            {
                var status = await client.RequestAsync<ServerStatus>(GetServerMode, new GetServerModeRequest(), new CallOptions { Timeout = TimeSpan.FromSeconds(1) }, cancellationToken).ConfigureAwait(false);
                mode = status.Mode;
            }
            catch (Exception ex) when (ex is ServiceException or TimeoutException or NATS.Client.Core.NatsException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // performance-mode down or not deployed: AI is still worth trying; its own failures fall back anyway.
                mode = ServerMode.Normal;
            }

            _mode = (mode, time.GetUtcNow());
            return mode;
        }
        finally
        {
            _modeLock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AI unavailable, answering from the fallback: {Reason}")]
    private partial void LogFellBack(string reason);
}

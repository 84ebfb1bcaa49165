using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiIntegration;

/// <summary>What a generation request must hold; every violation names its field as the JSON mapping spells it.</summary>
internal static class GenerationRules
{
    public const int MaxTokens = 4096;
    public const double MaxTemperature = 2.0;
    public const int MaxMessages = 64;
    public const int MaxPromptCharacters = 32 * 1024;

    public static void Check(GenerateRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw ServiceException.InvalidArgument("model", "is required (a model id, e.g. local-markov-small)");
        }

        if (request.Messages.Count is 0 or > MaxMessages)
        {
            throw ServiceException.InvalidArgument("messages", $"must hold 1 to {MaxMessages} messages");
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            if (request.Messages[i].Role == Role.Unspecified)
            {
                throw ServiceException.InvalidArgument($"messages[{i}].role", "must be ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT");
            }

            if (string.IsNullOrWhiteSpace(request.Messages[i].Content))
            {
                throw ServiceException.InvalidArgument($"messages[{i}].content", "must not be empty");
            }
        }

        if (request.Messages.Sum(m => (long)m.Content.Length) > MaxPromptCharacters)
        {
            throw ServiceException.InvalidArgument("messages", $"must hold at most {MaxPromptCharacters} characters in all");
        }

        if (request.MaxTokens is < 0 or > MaxTokens)
        {
            throw ServiceException.InvalidArgument("maxTokens", $"must be 0 (the model's default) to {MaxTokens}");
        }

        if (request.HasTemperature && !(request.Temperature is >= 0 and <= MaxTemperature))
        {
            throw ServiceException.InvalidArgument("temperature", $"must be 0 to {MaxTemperature}");
        }
    }
}

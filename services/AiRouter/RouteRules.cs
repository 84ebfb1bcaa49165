using GamingSystem.Contracts.AiRouter.V1;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiRouter;

/// <summary>What a route request must hold; every violation names its field as the JSON mapping spells it.</summary>
internal static class RouteRules
{
    public const int MaxTokens = 4096;
    public const double MaxTemperature = 2.0;
    public const int MaxPromptCharacters = 32 * 1024;
    public const int MaxLatencyBudgetMs = 600_000;

    public static void Check(RouteRequest request)
    {
        if (request.TaskType == TaskType.Unspecified || !Enum.IsDefined(request.TaskType))
        {
            throw ServiceException.InvalidArgument("taskType", "is required (e.g. TASK_TYPE_GENERAL)");
        }

        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw ServiceException.InvalidArgument("prompt", "must not be empty");
        }

        if ((long)request.Prompt.Length + request.SystemPrompt.Length > MaxPromptCharacters)
        {
            throw ServiceException.InvalidArgument("prompt", $"with systemPrompt must be at most {MaxPromptCharacters} characters");
        }

        if (request.LatencyBudgetMs is < 0 or > MaxLatencyBudgetMs)
        {
            throw ServiceException.InvalidArgument("latencyBudgetMs", $"must be 0 (no budget) to {MaxLatencyBudgetMs}");
        }

        if (request.HasMaxCostPer1KTokensMicros && request.MaxCostPer1KTokensMicros < 0)
        {
            throw ServiceException.InvalidArgument("maxCostPer1kTokensMicros", "must not be negative (unset: no cap)");
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

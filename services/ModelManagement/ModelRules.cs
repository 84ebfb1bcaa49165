using System.Text.RegularExpressions;
using GamingSystem.Contracts.ModelManagement.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ModelManagement;

/// <summary>What the catalogue accepts; every violation names its field.</summary>
internal static partial class ModelRules
{
    public const int MaxContextWindow = 10_000_000;

    public static void Register(Model? model)
    {
        if (model is null)
        {
            throw ServiceException.InvalidArgument("model", "is required");
        }

        Id(model.Id, "model.id");
        if (!ProviderPattern().IsMatch(model.Provider))
        {
            throw ServiceException.InvalidArgument("model.provider", "must be 1 to 32 characters of a-z, 0-9 and '-' (e.g. local, openai)");
        }

        if (model.Capabilities.Count == 0 || model.Capabilities.Contains(TaskType.Unspecified) || model.Capabilities.Distinct().Count() != model.Capabilities.Count)
        {
            throw ServiceException.InvalidArgument("model.capabilities", "must list at least one task type, each once, none UNSPECIFIED");
        }

        if (model.ContextWindowTokens is < 1 or > MaxContextWindow)
        {
            throw ServiceException.InvalidArgument("model.contextWindowTokens", $"must be 1 to {MaxContextWindow}");
        }

        if (model.CostPer1KTokensMicros < 0)
        {
            throw ServiceException.InvalidArgument("model.costPer1kTokensMicros", "must not be negative");
        }

        if (model.TypicalLatencyMs < 0)
        {
            throw ServiceException.InvalidArgument("model.typicalLatencyMs", "must not be negative");
        }

        if (model.Status == ModelStatus.Retired)
        {
            throw ServiceException.InvalidArgument("model.status", "a new model cannot start retired");
        }
    }

    public static void Id(string id, string field = "id")
    {
        if (!IdPattern().IsMatch(id))
        {
            throw ServiceException.InvalidArgument(field, "must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-'");
        }
    }

    public static void Status(ModelStatus status)
    {
        if (status == ModelStatus.Unspecified)
        {
            throw ServiceException.InvalidArgument("status", "must be ACTIVE, DEPRECATED or RETIRED");
        }
    }

    public static void Task(TaskType task)
    {
        if (task == TaskType.Unspecified)
        {
            throw ServiceException.InvalidArgument("taskType", "is required");
        }
    }

    [GeneratedRegex(@"\A[a-z0-9._-]{3,64}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\A[a-z0-9-]{1,32}\z")]
    private static partial Regex ProviderPattern();
}

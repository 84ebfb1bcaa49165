namespace GamingSystem.Contracts;

/// <summary>
/// Resource names shared by the AppHost, the services, the gateway and the tests.
/// A connection string is looked up by these names (<c>ConnectionStrings:nats</c>), so they must never drift.
/// </summary>
public static class ResourceNames
{
    public const string Nats = "nats";
    public const string Redis = "redis";
    public const string Gateway = "gateway";
    public const string StateManager = "state-manager";
    public const string EventBus = "event-bus";
    public const string Auth = "auth";
    public const string ModelManagement = "model-management";
    public const string Settings = "settings";
    public const string AiIntegration = "ai-integration";

    /// <summary>The optional OpenAI-compatible endpoint ai-integration uses (<c>ConnectionStrings:llm</c>).</summary>
    public const string Llm = "llm";
}

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
    public const string CapabilityRegistry = "capability-registry";
    public const string Router = "router";
    public const string Payment = "payment";
    public const string Orchestration = "orchestration";
    public const string AiIntegration = "ai-integration";
    public const string AiRouter = "ai-router";
    public const string QuestSystem = "quest-system";
    public const string BodyBrokerIntegration = "body-broker-integration";
    public const string NpcBehavior = "npc-behavior";
    public const string StoryTeller = "story-teller";
    public const string KnowledgeBase = "knowledge-base";
    public const string LanguageSystem = "language-system";
    public const string PerformanceMode = "performance-mode";
    public const string WorldState = "world-state";
    public const string TimeManager = "time-manager";
    public const string WeatherManager = "weather-manager";
    public const string EnvironmentalNarrative = "environmental-narrative";

    /// <summary>The optional OpenAI-compatible endpoint ai-integration uses (<c>ConnectionStrings:llm</c>).</summary>
    public const string Llm = "llm";

    /// <summary>Prometheus, run only with <c>--Monitoring true</c>.</summary>
    public const string Prometheus = "prometheus";
}

/// <summary>Configuration keys the AppHost sets on its processes and ServiceDefaults reads: one spelling each.</summary>
public static class ProcessSettings
{
    /// <summary>
    /// An environment variable naming a folder of secret files, one per configuration key
    /// (<c>ConnectionStrings__nats</c>), readable by the process's user only: secrets reach a process there,
    /// never in its environment, which the dashboard shows.
    /// </summary>
    public const string SecretsDirectory = "GAMING_SECRETS_DIR";

    /// <summary>The public key that verifies the gateway's proof of a caller's player id (not secret).</summary>
    public const string CallerVerifyKey = "Messaging:CallerVerifyKey";

    /// <summary>The private key the gateway signs a caller's player id with (secret; the gateway's alone).</summary>
    public const string CallerSigningKey = "Messaging:CallerSigningKey";

    /// <summary>The CA certificate (PEM) that NATS and Redis clients verify the servers against when they use TLS.</summary>
    public const string TlsCaFile = "Tls:CaFile";

    /// <summary>
    /// The CA certificate (PEM) NATS clients alone verify the servers against, before <see cref="TlsCaFile"/>: in AWS
    /// (deploy/) NATS has the cluster's own CA while ElastiCache has a publicly trusted certificate.
    /// </summary>
    public const string NatsTlsCaFile = "Tls:NatsCaFile";

    /// <summary>Whether the process creates and updates the JetStream streams (their owner does; nobody else may).</summary>
    public const string ManageEventStreams = "Messaging:Events:ManageStreams";

    /// <summary>A configuration key as an environment variable's name: <c>Events:ManageStreams</c> -> <c>Events__ManageStreams</c>.</summary>
    public static string AsEnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}

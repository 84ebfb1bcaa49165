using Google.Protobuf.Reflection;

namespace GamingSystem.Contracts;

/// <summary>
/// Every proto service of the system. Services register their handlers against these descriptors; the
/// gateway builds its routes and OpenAPI document from <see cref="Services"/>. A new contract is added here once.
/// </summary>
public static class ContractRegistry
{
    // Platform
    public static ServiceDescriptor Auth { get; } = Single(global::GamingSystem.Contracts.Auth.V1.AuthReflection.Descriptor);

    public static ServiceDescriptor StateManager { get; } = Single(global::GamingSystem.Contracts.StateManager.V1.StateManagerReflection.Descriptor);

    public static ServiceDescriptor Settings { get; } = Single(global::GamingSystem.Contracts.Settings.V1.SettingsReflection.Descriptor);

    public static ServiceDescriptor Payment { get; } = Single(global::GamingSystem.Contracts.Payment.V1.PaymentReflection.Descriptor);

    public static ServiceDescriptor ModelManagement { get; } = Single(global::GamingSystem.Contracts.ModelManagement.V1.ModelManagementReflection.Descriptor);

    public static ServiceDescriptor AiIntegration { get; } = Single(global::GamingSystem.Contracts.AiIntegration.V1.AiIntegrationReflection.Descriptor);

    public static ServiceDescriptor AiRouter { get; } = Single(global::GamingSystem.Contracts.AiRouter.V1.AiRouterReflection.Descriptor);

    public static ServiceDescriptor CapabilityRegistry { get; } = Single(global::GamingSystem.Contracts.CapabilityRegistry.V1.CapabilityRegistryReflection.Descriptor);

    public static ServiceDescriptor EventBus { get; } = Single(global::GamingSystem.Contracts.EventBus.V1.EventBusReflection.Descriptor);

    public static ServiceDescriptor Orchestration { get; } = Single(global::GamingSystem.Contracts.Orchestration.V1.OrchestrationReflection.Descriptor);

    public static ServiceDescriptor Router { get; } = Single(global::GamingSystem.Contracts.Router.V1.RouterReflection.Descriptor);

    // World
    public static ServiceDescriptor WorldState { get; } = Single(global::GamingSystem.Contracts.WorldState.V1.WorldStateReflection.Descriptor);

    public static ServiceDescriptor TimeManager { get; } = Single(global::GamingSystem.Contracts.TimeManager.V1.TimeManagerReflection.Descriptor);

    public static ServiceDescriptor WeatherManager { get; } = Single(global::GamingSystem.Contracts.WeatherManager.V1.WeatherManagerReflection.Descriptor);

    public static ServiceDescriptor NpcBehavior { get; } = Single(global::GamingSystem.Contracts.NpcBehavior.V1.NpcBehaviorReflection.Descriptor);

    public static ServiceDescriptor QuestSystem { get; } = Single(global::GamingSystem.Contracts.QuestSystem.V1.QuestSystemReflection.Descriptor);

    public static ServiceDescriptor BodyBrokerIntegration { get; } = Single(global::GamingSystem.Contracts.BodyBrokerIntegration.V1.BodyBrokerIntegrationReflection.Descriptor);

    // Content
    public static ServiceDescriptor StoryTeller { get; } = Single(global::GamingSystem.Contracts.StoryTeller.V1.StoryTellerReflection.Descriptor);

    public static ServiceDescriptor EnvironmentalNarrative { get; } = Single(global::GamingSystem.Contracts.EnvironmentalNarrative.V1.EnvironmentalNarrativeReflection.Descriptor);

    public static ServiceDescriptor LanguageSystem { get; } = Single(global::GamingSystem.Contracts.LanguageSystem.V1.LanguageSystemReflection.Descriptor);

    public static ServiceDescriptor KnowledgeBase { get; } = Single(global::GamingSystem.Contracts.KnowledgeBase.V1.KnowledgeBaseReflection.Descriptor);

    public static ServiceDescriptor PerformanceMode { get; } = Single(global::GamingSystem.Contracts.PerformanceMode.V1.PerformanceModeReflection.Descriptor);

    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        Auth, StateManager, Settings, Payment, ModelManagement, AiIntegration, AiRouter, CapabilityRegistry, EventBus,
        Orchestration, Router,
        WorldState, TimeManager, WeatherManager, NpcBehavior, QuestSystem, BodyBrokerIntegration,
        StoryTeller, EnvironmentalNarrative, LanguageSystem, KnowledgeBase, PerformanceMode,
    ];

    /// <summary>The resource name of a service in the app model: <c>gaming.quest_system.v1</c> -> <c>quest-system</c>.</summary>
    public static string ResourceName(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.File.Package.Split('.')[1].Replace('_', '-');
    }

    /// <summary>The contract of the service the app model names <paramref name="resourceName"/>, or null for a resource that serves none (the gateway).</summary>
    public static ServiceDescriptor? ForResource(string resourceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        return Services.FirstOrDefault(service => ResourceName(service) == resourceName);
    }

    /// <summary>Whether the gateway serves <paramref name="method"/>: it has a <c>google.api.http</c> route.</summary>
    public static bool HasHttpRoute(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method.GetOptions()?.GetExtension(Google.Api.AnnotationsExtensions.Http) is not null;
    }

    /// <summary>Why a method has no HTTP route, or null when it has one (or has neither, which the contract tests forbid).</summary>
    public static string? InternalOnlyReason(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var reason = method.GetOptions()?.GetExtension(Common.V1.CommonExtensions.InternalOnly);
        return string.IsNullOrEmpty(reason) ? null : reason;
    }

    /// <summary>Who may call <paramref name="method"/> through the gateway: its own access option, else its service's default.</summary>
    public static Common.V1.Access AccessOf(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var own = method.GetOptions()?.GetExtension(Common.V1.CommonExtensions.Access) ?? Common.V1.Access.Unspecified;
        return own != Common.V1.Access.Unspecified
            ? own
            : method.Service.GetOptions()?.GetExtension(Common.V1.CommonExtensions.DefaultAccess) ?? Common.V1.Access.Unspecified;
    }

    private static ServiceDescriptor Single(FileDescriptor file) => file.Services.Single();
}

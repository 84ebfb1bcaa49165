using GamingSystem.Contracts.StateManager.V1;
using Google.Protobuf.Reflection;

namespace GamingSystem.Contracts;

/// <summary>
/// Every proto service of the system. Services register their handlers against these descriptors; the
/// gateway builds its routes and OpenAPI document from <see cref="Services"/>. A new contract is added here once.
/// </summary>
public static class ContractRegistry
{
    public static ServiceDescriptor StateManager { get; } = StateManagerReflection.Descriptor.Services.Single();

    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        StateManager,
    ];
}

using System.Text.RegularExpressions;
using GamingSystem.Contracts.CapabilityRegistry.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.CapabilityRegistry;

/// <summary>What a registration may say; every refusal names its field.</summary>
public static partial class InstanceRules
{
    public const int MinTtlSeconds = 5;
    public const int MaxTtlSeconds = 300;
    public const int MaxCapabilities = 256;
    public const int MaxTextLength = 256;

    public static void Register(RegisterRequest request)
    {
        Identity(request.Service, request.InstanceId);
        if (request.TtlSeconds is < MinTtlSeconds or > MaxTtlSeconds)
        {
            throw ServiceException.InvalidArgument("ttl_seconds", $"must be {MinTtlSeconds} to {MaxTtlSeconds}, not {request.TtlSeconds}");
        }

        if (request.Capabilities.Count > MaxCapabilities)
        {
            throw ServiceException.InvalidArgument("capabilities", $"at most {MaxCapabilities}, not {request.Capabilities.Count}");
        }

        for (var i = 0; i < request.Capabilities.Count; i++)
        {
            Capability(request.Capabilities[i], $"capabilities[{i}]");
        }

        if (request.Metadata.Count > MaxCapabilities || request.Metadata.Any(entry => entry.Key.Length is 0 or > MaxTextLength || entry.Value.Length > MaxTextLength))
        {
            throw ServiceException.InvalidArgument("metadata", $"at most {MaxCapabilities} entries, keys 1-{MaxTextLength} and values up to {MaxTextLength} characters");
        }
    }

    /// <summary>A service's resource name (<c>quest-system</c>) and an instance id of its choosing.</summary>
    public static void Identity(string service, string instanceId)
    {
        if (!ServiceName().IsMatch(service))
        {
            throw ServiceException.InvalidArgument("service", "must be a resource name: 1-64 characters of a-z, 0-9 and '-'");
        }

        if (!InstanceId().IsMatch(instanceId))
        {
            throw ServiceException.InvalidArgument("instance_id", "must be 1-128 characters of letters, digits, '-', '_' and '.'");
        }
    }

    public static void Capability(string capability, string field)
    {
        if (capability.Length > MaxTextLength || !Subject().IsMatch(capability))
        {
            throw ServiceException.InvalidArgument(field, $"must be a NATS subject of 1-{MaxTextLength} characters, dot-separated tokens of letters, digits, '_' and '-', e.g. svc.quest_system.v1.generate_quest");
        }
    }

    /// <summary>List's optional filter: empty, or a service's resource name.</summary>
    public static void ServiceFilter(string service)
    {
        if (service.Length > 0 && !ServiceName().IsMatch(service))
        {
            throw ServiceException.InvalidArgument("service", "must be empty (every service) or a resource name: 1-64 characters of a-z, 0-9 and '-'");
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\z")]
    private static partial Regex Subject();

    [GeneratedRegex(@"\A[a-z0-9-]{1,64}\z")]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,128}\z")]
    private static partial Regex InstanceId();
}

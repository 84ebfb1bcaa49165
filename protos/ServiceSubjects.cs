using System.Text;
using Google.Protobuf.Reflection;

namespace GamingSystem.Contracts;

/// <summary>
/// NATS names derived from a proto service, never written by hand:
/// package <c>gaming.quest_system.v1</c>, method <c>GenerateQuest</c> -> subject
/// <c>svc.quest_system.v1.generate_quest</c>, queue group <c>svc-quest_system-workers</c>.
/// </summary>
public static class ServiceSubjects
{
    public const string SubjectPrefix = "svc";

    /// <summary>The service segment of the package: <c>gaming.state_manager.v1</c> -> <c>state_manager</c>.</summary>
    public static string ServiceName(ServiceDescriptor service) => ParsePackage(service).Name;

    /// <summary>The version segment of the package: <c>gaming.state_manager.v1</c> -> <c>v1</c>.</summary>
    public static string Version(ServiceDescriptor service) => ParsePackage(service).Version;

    public static string QueueGroup(ServiceDescriptor service) => $"{SubjectPrefix}-{ServiceName(service)}-workers";

    /// <summary>Every method of the service: <c>svc.state_manager.v1.&gt;</c>.</summary>
    public static string Wildcard(ServiceDescriptor service)
    {
        var (name, version) = ParsePackage(service);
        return $"{SubjectPrefix}.{name}.{version}.>";
    }

    public static string For(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var (name, version) = ParsePackage(method.Service);
        return $"{SubjectPrefix}.{name}.{version}.{ToSnakeCase(method.Name)}";
    }

    /// <summary><c>GenerateQuest</c> -> <c>generate_quest</c>; <c>GetHTTPStats</c> -> <c>get_http_stats</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (previousIsLowerOrDigit || endsAcronym)
                {
                    result.Append('_');
                }

                result.Append(char.ToLowerInvariant(c));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static (string Name, string Version) ParsePackage(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var parts = service.File.Package.Split('.');
        if (parts.Length != 3 || parts[0] != "gaming" || !parts[2].StartsWith('v') || parts[1].Length == 0)
        {
            throw new InvalidOperationException(
                $"Proto service '{service.FullName}' is in package '{service.File.Package}'; services must be in a package named gaming.<service>.v<N>.");
        }

        return (parts[1], parts[2]);
    }
}

using System.Security.Cryptography;
using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting.Orchestration;

internal static class SecretGenerator
{
    private const string Lowercase = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate(GeneratedParameterDefault spec) =>
        RandomNumberGenerator.GetString(spec.LowercaseOnly ? Lowercase : Mixed, spec.Length);
}

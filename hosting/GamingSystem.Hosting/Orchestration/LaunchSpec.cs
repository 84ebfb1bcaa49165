namespace GamingSystem.Hosting.Orchestration;

/// <summary>A resolved environment variable; secret ones are masked wherever they are shown.</summary>
internal sealed record EnvironmentValue(string Name, string Value, bool IsSecret);

/// <summary>Exactly what to run for one instance.</summary>
internal sealed record LaunchSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyList<EnvironmentValue> Environment);

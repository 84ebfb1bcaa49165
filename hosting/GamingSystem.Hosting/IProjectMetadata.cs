namespace GamingSystem.Hosting;

/// <summary>
/// Describes a project the AppHost runs. Implemented by the <c>Projects.*</c> classes that
/// hosting/build/GamingSystem.AppHost.targets generates for each service ProjectReference.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>Full path of the project's .csproj file.</summary>
    string ProjectPath { get; }
}

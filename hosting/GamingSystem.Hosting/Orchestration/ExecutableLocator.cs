namespace GamingSystem.Hosting.Orchestration;

/// <summary>Finds the programs the orchestrator runs.</summary>
internal static class ExecutableLocator
{
    // Debian installs nats-server in /usr/sbin, which is not on a normal user's PATH.
    private static readonly string[] s_extraDirectories = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

    public static string? Find(string fileName)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_extraDirectories)
            .Select(directory => Path.Combine(directory, fileName))
            .FirstOrDefault(IsExecutable);
    }

    /// <summary>Finds a server program or explains how to install it.</summary>
    public static string Require(string fileName, string package) =>
        Find(fileName) ?? throw new DistributedApplicationException(
            $"'{fileName}' was not found on PATH or in /usr/sbin. Install it with: sudo apt-get install {package}");

    /// <summary>The dotnet host the SDK told us about, else the one on PATH.</summary>
    public static string RequireDotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && IsExecutable(hostPath)
            ? hostPath
            : Find("dotnet") ?? throw new DistributedApplicationException(
                "The 'dotnet' host was not found: set DOTNET_HOST_PATH or put dotnet on PATH.");

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && !OperatingSystem.IsWindows()
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

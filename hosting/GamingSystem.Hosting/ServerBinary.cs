namespace Aspire.Hosting;

/// <summary>Finds a server binary from Debian's packages, or says how to install it.</summary>
internal static class ServerBinary
{
    // Debian installs nats-server in /usr/sbin, which is not on every user's PATH.
    private static readonly string[] ExtraDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    public static string Locate(string command, string package, string? searchPath = null)
    {
        var directories = (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirectories);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, command);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0))
            {
                return candidate;
            }
        }

        throw new DistributedApplicationException(
            $"'{command}' was not found on the PATH or in /usr/sbin. Install it with: sudo apt-get install {package}");
    }
}

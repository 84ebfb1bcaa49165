using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// A private folder (mode 0700) for the generated server configuration of one AppHost run; it holds
/// secrets, so every file in it is written with mode 0600, and the folder is deleted when the AppHost stops.
/// An AppHost that was killed cannot delete its folder; the next one deletes it (the folder is named by the pid).
/// </summary>
public sealed class RunFiles : IDisposable
{
    private const string Prefix = "gamingsystem-";

    private readonly Lazy<DirectoryInfo> _root = new(() =>
    {
        DeleteFoldersOfDeadRuns();
        return Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-");
    });

    public RunFiles(IHostApplicationLifetime lifetime) => lifetime.ApplicationStopped.Register(Dispose);

    public string Root => _root.Value.FullName;

    /// <summary>A folder for one resource's files, created on first use.</summary>
    public string DirectoryFor(string resourceName, string? subfolder = null)
    {
        var path = subfolder is null ? Path.Combine(Root, resourceName) : Path.Combine(Root, resourceName, subfolder);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>Writes <paramref name="content"/> readable by this user only, replacing any earlier file.</summary>
    public static void WritePrivateFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only when the file is new; a rewritten one is made private too.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static void DeleteFoldersOfDeadRuns()
    {
        foreach (var folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(Prefix + "*"))
        {
            var pid = folder.Name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var owner) && !IsRunning(owner))
            {
                try
                {
                    folder.Delete(recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's, or in use: not ours to remove.
                }
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_root.IsValueCreated && _root.Value.Exists)
        {
            try
            {
                _root.Value.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A server that is still shutting down may hold a file; the OS cleans temp folders eventually.
            }
        }
    }
}

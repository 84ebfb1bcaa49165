using System.Globalization;

namespace GamingSystem.Hosting.Tests.Support;

/// <summary>Reads /proc, so tests see processes as the kernel does, not as the orchestrator reports them.</summary>
internal static class LinuxProcesses
{
    /// <summary>True while the process exists and is not a zombie (a killed child not yet reaped counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z';
    }

    public static IReadOnlyList<int> ChildrenOf(int parentPid) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ReadStat(pid) is { } stat && stat.ParentPid == parentPid && stat.State != 'Z')];

    public static string? CommandName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static (char State, int ParentPid)? ReadStat(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may contain spaces, so parse after the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

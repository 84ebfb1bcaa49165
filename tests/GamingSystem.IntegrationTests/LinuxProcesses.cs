namespace GamingSystem.IntegrationTests;

/// <summary>The process tree as /proc shows it: what a test needs to prove that nothing is left behind.</summary>
internal static class LinuxProcesses
{
    public static HashSet<int> Descendants(int pid)
    {
        var result = new HashSet<int>();
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var parent))
        {
            foreach (var child in ChildrenOf(parent))
            {
                if (result.Add(child))
                {
                    pending.Push(child);
                }
            }
        }

        return result;
    }

    /// <summary>Every live process whose command line contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> Matching(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!))
            .Where(pid => IsAlive(pid) && CommandLine(pid).Contains(text, StringComparison.Ordinal))
            .ToList();

    public static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories($"/proc/{pid}/task").ToList();
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var task in tasks)
        {
            string children;
            try
            {
                children = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return int.Parse(child, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>A process's resident set (VmRSS): the memory it occupies now, shared library pages included.</summary>
    public static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    /// <summary>Stops a process where it stands (SIGSTOP) until disposed (SIGCONT): a service that hangs.</summary>
    public static IDisposable Freeze(int pid) => new Frozen(pid);

    private sealed class Frozen : IDisposable
    {
        private readonly int _pid;

        public Frozen(int pid)
        {
            _pid = pid;
            Signal("STOP");
        }

        public void Dispose() => Signal("CONT");

        private void Signal(string signal)
        {
            using var kill = System.Diagnostics.Process.Start("kill", $"-{signal} {_pid}");
            kill.WaitForExit();
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -{signal} {_pid} failed with {kill.ExitCode}");
            }
        }
    }
}

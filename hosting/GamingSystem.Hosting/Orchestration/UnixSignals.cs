using System.Runtime.InteropServices;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>Sends SIGTERM, which .NET's Process API cannot: Kill() is SIGKILL only.</summary>
internal static class UnixSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks the process to shut down; false if it no longer exists.</summary>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    // Plain DllImport: the arguments are blittable ints and LibraryImport would require unsafe code.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}

using System.Diagnostics;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>A running child: its pid, when it started, and how to stop it.</summary>
internal sealed class ChildProcess(Process process, Task<int> exited, DateTimeOffset startedAt) : IDisposable
{
    public int Id { get; } = process.Id;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Completes with the exit code (128 + signal number when a signal ended it).</summary>
    public Task<int> Exited { get; } = exited;

    /// <summary>SIGTERM, then SIGKILL if it is still there after <paramref name="gracePeriod"/>.</summary>
    public async Task<int> StopAsync(TimeSpan gracePeriod)
    {
        if (!Exited.IsCompleted && UnixSignals.Terminate(Id))
        {
            try
            {
                return await Exited.WaitAsync(gracePeriod).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // It ignored SIGTERM for too long; fall through to SIGKILL.
            }
        }

        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        return await Exited.ConfigureAwait(false);
    }

    public void Dispose() => process.Dispose();
}

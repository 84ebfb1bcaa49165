using System.Collections.Concurrent;
using System.Diagnostics;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Starts every child process from one dedicated thread that lives as long as the process.
/// Children run under <c>setpriv --pdeathsig KILL</c>, and the kernel sends that signal when
/// the thread that forked them exits, not only when the process does. Thread-pool threads
/// retire after ~20 s idle, which would kill children of an idle AppHost, so forking happens
/// only here.
/// </summary>
internal sealed class ProcessSpawner
{
    private static readonly Lazy<ProcessSpawner> s_shared = new(() => new ProcessSpawner());
    private readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> _queue = [];

    private ProcessSpawner()
    {
        // Never stopped: a spawner thread that exits would take every child with it.
        var thread = new Thread(Run) { IsBackground = true, Name = "GamingSystem process spawner" };
        thread.Start();
    }

    public static ProcessSpawner Shared => s_shared.Value;

    /// <summary>Calls <see cref="Process.Start()"/> on the spawner thread.</summary>
    public Task StartAsync(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((process, started));
        return started.Task;
    }

    private void Run()
    {
        foreach (var (process, started) in _queue.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }
}

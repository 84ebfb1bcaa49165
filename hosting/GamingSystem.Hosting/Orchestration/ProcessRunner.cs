using System.Diagnostics;
using System.Text;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>
/// Starts a child so it cannot outlive the AppHost and cannot be hit by the AppHost's
/// terminal: <c>setsid</c> gives it its own session (Ctrl+C reaches only the AppHost, which
/// then stops children in dependency order), <c>setpriv --pdeathsig KILL</c> has the kernel
/// kill it if the AppHost dies, even by SIGKILL. Both exec in place, so the pid we get is the
/// program's own.
/// </summary>
internal sealed class ProcessRunner(TimeProvider timeProvider)
{
    private readonly string _setpriv = ExecutableLocator.Require("setpriv", "util-linux");
    private readonly string? _setsid = ExecutableLocator.Find("setsid");

    public async Task<ChildProcess> StartAsync(LaunchSpec spec, Action<string, bool> onOutputLine)
    {
        var startInfo = new ProcessStartInfo(_setsid ?? _setpriv)
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (_setsid is not null)
        {
            startInfo.ArgumentList.Add(_setpriv);
        }

        foreach (var argument in (string[])["--pdeathsig", "KILL", "--", spec.FileName, .. spec.Arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var variable in spec.Environment)
        {
            startInfo.Environment[variable.Name] = variable.Value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        process.OutputDataReceived += (_, e) => Forward(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, isError: true);

        try
        {
            await ProcessSpawner.Shared.StartAsync(process).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new DistributedApplicationException($"Could not start '{spec.FileName}': {ex.Message}", ex);
        }

        // No child reads stdin; closing it keeps them from ever waiting on the AppHost's terminal.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, exited.Task, timeProvider.GetUtcNow());

        void Forward(string? line, bool isError)
        {
            if (line is not null)
            {
                onOutputLine(line, isError);
            }
        }
    }
}

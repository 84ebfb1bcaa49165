using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GamingSystem.Benchmarks;

/// <summary>A private nats-server on a free loopback port, started for this run and killed with it.</summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _storeDirectory;

    private NatsServerProcess(Process process, int port, string storeDirectory)
    {
        _process = process;
        _storeDirectory = storeDirectory;
        Url = $"nats://127.0.0.1:{port}";
    }

    public string Url { get; }

    public static async Task<NatsServerProcess> StartAsync(string serverPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverPath))
        {
            throw new FileNotFoundException($"nats-server not found at {serverPath}; install it with 'apt-get install nats-server' or pass --nats-server.");
        }

        var port = FreePort.Next();
        // JetStream for the event cases, its store in a folder of this run.
        var store = Directory.CreateTempSubdirectory("gaming-bench-js-").FullName;
        // Through a shell that holds the server only while this process holds the shell's stdin: when the benchmark
        // dies without running DisposeAsync (Ctrl+C, SIGKILL), the kernel closes the pipe and the server goes too.
        // (setpriv --pdeathsig fires when the forking *thread* exits, which in .NET may be any pool thread.)
        var start = new ProcessStartInfo("sh")
        {
            ArgumentList =
            {
                "-c", "\"$0\" \"$@\" & server=$!; read -r _; kill $server; wait $server",
                serverPath, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", store,
            },
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {serverPath}.");
        // Drain its log so a full pipe never blocks the server.
        process.ErrorDataReceived += static (_, _) => { };
        process.OutputDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var server = new NatsServerProcess(process, port, store);
        await WaitForPortAsync(process, port, cancellationToken).ConfigureAwait(false);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Closing the shell's stdin stops the server; a kill of the tree is the fallback if it does not go.
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
        Directory.Delete(_storeDirectory, recursive: true);
    }

    private static async Task WaitForPortAsync(Process process, int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nats-server (through sh) exited with code {process.ExitCode} before accepting connections.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Asks the OS for an unused loopback port; a run never collides with another run or an AppHost.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

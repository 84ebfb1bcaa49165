using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GamingSystem.Benchmarks;

/// <summary>
/// A private nats-server or redis-server on a free loopback port, its data in a folder of this run, started for this
/// run and killed with it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private ServerProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string NatsUrl => $"nats://127.0.0.1:{Port}";

    /// <summary>nats-server with JetStream (for the event cases), its store in this run's folder.</summary>
    public static Task<ServerProcess> StartNatsAsync(string serverPath, CancellationToken cancellationToken) =>
        StartAsync("nats-server", serverPath, "gaming-bench-js-", (port, data) => ["-a", "127.0.0.1", "-p", port, "-js", "-sd", data], cancellationToken);

    /// <summary>redis-server without users or snapshots, with <paramref name="persistence"/> (e.g. <c>--appendonly yes</c>).</summary>
    public static Task<ServerProcess> StartRedisAsync(string serverPath, IReadOnlyList<string> persistence, CancellationToken cancellationToken) =>
        StartAsync("redis-server", serverPath, "gaming-bench-redis-", (port, data) => ["--bind", "127.0.0.1", "--port", port, "--save", "", "--dir", data, .. persistence], cancellationToken);

    private static async Task<ServerProcess> StartAsync(
        string name, string serverPath, string folderPrefix, Func<string, string, IEnumerable<string>> arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverPath))
        {
            throw new FileNotFoundException($"{name} not found at {serverPath}; install it with 'apt-get install {name}' or pass --{name}.");
        }

        var port = FreePort.Next();
        var data = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        // Through a shell that holds the server only while this process holds the shell's stdin: when the benchmark
        // dies without running DisposeAsync (Ctrl+C, SIGKILL), the kernel closes the pipe and the server goes too.
        // (setpriv --pdeathsig fires when the forking *thread* exits, which in .NET may be any pool thread.)
        var start = new ProcessStartInfo("sh")
        {
            ArgumentList = { "-c", "\"$0\" \"$@\" & server=$!; read -r _; kill $server; wait $server", serverPath },
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments(port.ToString(System.Globalization.CultureInfo.InvariantCulture), data))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {serverPath}.");
        // Drain its log so a full pipe never blocks the server.
        process.ErrorDataReceived += static (_, _) => { };
        process.OutputDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var server = new ServerProcess(process, port, data);
        await WaitForPortAsync(name, process, port, cancellationToken).ConfigureAwait(false);
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
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static async Task WaitForPortAsync(string name, Process process, int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} (through sh) exited with code {process.ExitCode} before accepting connections.");
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

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>A real nats-server with JetStream on a free loopback port, shared by the tests of a class.</summary>
public class NatsServerFixture : IAsyncLifetime
{
    private readonly string _storeDirectory = Directory.CreateTempSubdirectory("gaming-tests-js-").FullName;
    private Process? _process;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>A configuration file's text for the server, for limits the command line cannot set; none by default.</summary>
    protected virtual string? Configuration => null;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var executable = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server is not installed: sudo apt-get install nats-server");
        // Through a shell that holds the server only while this process holds the shell's stdin: if the test host
        // is killed (a Stryker run, a cancelled test run), the pipe closes and the server goes with it.
        var start = new ProcessStartInfo("sh")
        {
            ArgumentList =
            {
                "-c", "\"$0\" \"$@\" & server=$!; read -r _; kill $server; wait $server",
                executable, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-js", "-sd", _storeDirectory,
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Configuration is { } configuration)
        {
            var file = Path.Combine(_storeDirectory, "nats-server.conf");
            await File.WriteAllTextAsync(file, configuration);
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(file);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Yield();
            }
        }

        ConnectionString = $"nats://127.0.0.1:{port}";
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
            _process.Dispose();
        }

        Directory.Delete(_storeDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A server whose max_payload is 16 KiB instead of 1 MiB, for what must stay within it.</summary>
public sealed class SmallPayloadNatsServerFixture : NatsServerFixture
{
    public const int MaxPayload = 16 * 1024;

    protected override string? Configuration => $"max_payload: {MaxPayload}";
}

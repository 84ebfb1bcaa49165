using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace GamingSystem.Testing;

/// <summary>A real redis-server on a free loopback port with a folder of its own, shared by the tests of a class.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;
    private DirectoryInfo? _directory;
    private ConnectionMultiplexer? _redis;

    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("the fixture has not started");

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var executable = new[] { "/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: sudo apt-get install redis-server");
        // A folder of this run's own, so that no other run's dump or log is ever read or deleted by this one.
        _directory = Directory.CreateTempSubdirectory("gaming-redis-test-");
        // Through a shell that holds the server only while this process holds the shell's stdin: if the test host
        // is killed (a Stryker run, a cancelled test run), the pipe closes and the server goes with it.
        _process = Process.Start(new ProcessStartInfo("sh")
        {
            ArgumentList =
            {
                "-c", "\"$0\" \"$@\" & server=$!; read -r _; kill $server; wait $server",
                executable,
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", _directory.FullName,
                "--save", string.Empty,
                "--appendonly", "no",
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                _redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
                {
                    EndPoints = { { IPAddress.Loopback, port } },
                    AbortOnConnectFail = true,
                    ConnectTimeout = 1000,
                });
                break;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_process is not null)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
            _process.Dispose();
        }

        _directory?.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net.Sockets;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// A second instance of a running service, as a replica would be: the same executable, with the same environment
/// (its identity, its secrets folder, its connection strings), on a port of its own. Killed when disposed.
/// </summary>
internal sealed class ServiceReplica : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceReplica(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServiceReplica> StartAsync(SystemFixture system, string resource)
    {
        var original = system.ServiceProcess(resource);
        var environment = File.ReadAllText($"/proc/{original.Id}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(File.ReadAllText($"/proc/{original.Id}/cmdline").Split('\0')[0])
        {
            WorkingDirectory = Path.GetDirectoryName(original.MainModule!.FileName)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var replica = new ServiceReplica(process, address);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        await ContentApi.UntilAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"the {resource} replica exited with {(process.HasExited ? process.ExitCode : 0)}");
                try
                {
                    return (await http.GetAsync("/health")).IsSuccessStatusCode ? "" : null;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return null;
                }
            },
            $"a replica of {resource} to be healthy",
            TimeSpan.FromSeconds(60));
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

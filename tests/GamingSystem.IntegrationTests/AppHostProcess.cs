using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The README's run command as a newcomer uses it: the built AppHost started as its own process, with the
/// dashboard, DCP and every resource, on free ports so that it never clashes with an AppHost already running.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppHostProcess(Process process, int gatewayPort, int dashboardPort)
    {
        _process = process;
        Gateway = new Uri($"http://localhost:{gatewayPort}");
        Dashboard = new Uri($"http://localhost:{dashboardPort}");
    }

    public Uri Gateway { get; }

    public Uri Dashboard { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output);

    public static AppHostProcess Start()
    {
        var gatewayPort = FreePort();
        var dashboardPort = FreePort();
        // Through `env --default-signal=INT`: a runner started in the background inherits SIGINT as ignored
        // (POSIX), which would make the Ctrl+C test depend on how it was launched; a terminal never ignores it.
        var start = new ProcessStartInfo("env")
        {
            ArgumentList = { "--default-signal=INT", "dotnet", AppHostDll(), "--Gateway:Port", gatewayPort.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // What the launch profile sets for `dotnet run`, on free ports.
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{dashboardPort}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        var appHost = new AppHostProcess(Process.Start(start)!, gatewayPort, dashboardPort);
        appHost._process.OutputDataReceived += (_, e) => appHost._output.Enqueue(e.Data ?? string.Empty);
        appHost._process.ErrorDataReceived += (_, e) => appHost._output.Enqueue(e.Data ?? string.Empty);
        appHost._process.BeginOutputReadLine();
        appHost._process.BeginErrorReadLine();
        return appHost;
    }

    /// <summary>The sign-in link the AppHost prints for the dashboard, with its per-run token.</summary>
    public async Task<Uri> WaitForLoginLinkAsync()
    {
        string? link = null;
        await WaitForAsync(() => Task.FromResult((link = _output.Select(l => LoginLink().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null),
            StartDeadline, "the dashboard's login link");
        return new Uri(link!);
    }

    public Task WaitForGatewayAsync() =>
        WaitForAsync(async () => await StatusAsync(new Uri(Gateway, "/health")) == HttpStatusCode.OK, StartDeadline, "the gateway's /health");

    /// <summary>
    /// This AppHost's processes: its own children and DCP's, which runs detached from it (found by the AppHost pid
    /// it monitors), with everything DCP started.
    /// </summary>
    public HashSet<int> ProcessTree()
    {
        var tree = LinuxProcesses.Descendants(Id);
        foreach (var dcp in LinuxProcesses.Matching($"--monitor {Id.ToString(CultureInfo.InvariantCulture)}"))
        {
            tree.Add(dcp);
            tree.UnionWith(LinuxProcesses.Descendants(dcp));
        }

        return tree;
    }

    /// <summary>What Ctrl+C in a terminal sends.</summary>
    public void Interrupt() => Signal("INT");

    public void KillHard() => Signal("KILL");

    public async Task WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Waits for <paramref name="condition"/>; while <paramref name="whileRunning"/>, the AppHost exiting fails at once.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan deadline, string what, bool whileRunning = true)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > deadline || (whileRunning && _process.HasExited))
            {
                Assert.Fail($"{what}: not reached within {watch.Elapsed:g} (AppHost exited: {_process.HasExited}):\n{string.Join('\n', _output.TakeLast(40))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            var tree = ProcessTree();
            Interrupt();
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            foreach (var pid in tree.Where(LinuxProcesses.IsAlive))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }
        }

        _process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<HttpStatusCode?> StatusAsync(Uri uri)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(uri);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public static string AppHostDll()
    {
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "GamingSystem.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? ".", "GamingSystem.AppHost", "bin", configuration, "net10.0", "GamingSystem.AppHost.dll");
        Assert.True(File.Exists(dll), $"build the AppHost first: {dll} is missing");
        return dll;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Login to the dashboard at (\S+)")]
    private static partial Regex LoginLink();
}

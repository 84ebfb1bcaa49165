using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The README's run command as a newcomer uses it: the real AppHost process brings the system up on the
/// gateway port it is given, serves requests, and Ctrl+C (SIGINT) leaves no process of it behind.
/// </summary>
public sealed class AppHostProcessTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_apphost_serves_the_gateway_and_ctrl_c_leaves_no_process_behind()
    {
        var gatewayPort = FreePort();
        // Through `env --default-signal=INT`: a runner started in the background inherits SIGINT as ignored
        // (POSIX), which would make this test depend on how it was launched; a terminal never ignores it.
        using var appHost = Process.Start(new ProcessStartInfo("env")
        {
            ArgumentList =
            {
                "--default-signal=INT", "dotnet", AppHostDll(), "--Gateway:Port", gatewayPort.ToString(CultureInfo.InvariantCulture),
                "--Dashboard:Port", FreePort().ToString(CultureInfo.InvariantCulture), "--Dashboard:OpenBrowser", "false",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        appHost.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        appHost.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        HashSet<int> children = [];
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{gatewayPort}") };
            await WaitForAsync(async () => (await TryGetAsync(http, "/health")) == HttpStatusCode.OK, StartDeadline, () => string.Join('\n', output.TakeLast(30)));

            using var put = await http.PutAsync("/api/v1/state/apphost-test", new StringContent("""{"value":"aGk="}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

            children = Descendants(appHost.Id);
            var names = children.Select(CommandOf).ToList();
            Assert.Contains(names, n => n.Contains("nats-server", StringComparison.Ordinal));
            Assert.Contains(names, n => n.Contains("redis-server", StringComparison.Ordinal));
            Assert.Contains(names, n => n.Contains("StateManager.dll", StringComparison.Ordinal));
            Assert.Contains(names, n => n.Contains("Gateway.dll", StringComparison.Ordinal));

            // What Ctrl+C in a terminal sends.
            using (var interrupt = Process.Start("kill", ["-INT", appHost.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
                Assert.Equal(0, interrupt.ExitCode);
            }

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await appHost.WaitForExitAsync(exited.Token);
        }
        finally
        {
            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }
        }

        // The children are not ours to wait for; give the kernel a moment to reap, then none may be left.
        await WaitForAsync(() => Task.FromResult(children.All(pid => !IsAlive(pid))), TimeSpan.FromSeconds(15),
            () => $"still running: {string.Join(", ", children.Where(IsAlive).Select(CommandOf))}");
    }

    private static string AppHostDll()
    {
        var configuration = typeof(AppHostProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "GamingSystem.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? ".", "GamingSystem.AppHost", "bin", configuration, "net10.0", "GamingSystem.AppHost.dll");
        Assert.True(File.Exists(dll), $"build the AppHost first: {dll} is missing");
        return dll;
    }

    private static HashSet<int> Descendants(int pid)
    {
        var result = new HashSet<int>();
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var parent))
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{parent}/task"))
            {
                var path = Path.Combine(task, "children");
                if (!File.Exists(path))
                {
                    continue;
                }

                foreach (var child in File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
                {
                    if (result.Add(child))
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        return result;
    }

    private static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z');

    private static string CommandOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return $"(pid {pid}, gone)";
        }
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> describe)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < deadline, $"not reached within {deadline}:\n{describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

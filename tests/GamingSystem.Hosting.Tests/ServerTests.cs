using System.Net.Sockets;
using System.Text;
using GamingSystem.Hosting.Lifecycle;
using GamingSystem.Hosting.Orchestration;
using GamingSystem.Hosting.Tests.Support;

namespace GamingSystem.Hosting.Tests;

public sealed class ServerTests
{
    [Fact]
    public async Task Nats_and_redis_start_healthy_and_stop_leaving_nothing_behind()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddNats("nats").WithJetStream();
        builder.AddRedis("redis");
        var app = builder.Build();
        IReadOnlyList<int> pids;
        string runDirectory;
        try
        {
            await app.StartAsync();
            var nats = await app.ResourceNotifications.WaitForResourceHealthyAsync("nats", TestApps.Timeout());
            await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", TestApps.Timeout());
            pids = app.ResourceNotifications.ProcessIds();

            Assert.Equal(2, pids.Count);
            Assert.Contains("nats-server", pids.Select(LinuxProcesses.CommandName));
            Assert.Contains("redis-server", pids.Select(LinuxProcesses.CommandName));
            Assert.Equal(ResourceState.Running, nats.State);
            Assert.Equal(["monitoring", "tcp"], nats.Instances[0].Endpoints.Select(e => e.Name).Order());

            var connectionString = await app.GetConnectionStringAsync("nats");
            var uri = new Uri(connectionString);
            var credentials = uri.UserInfo.Split(':');
            Assert.Equal("+OK", await NatsConnectAsync(uri.Port, credentials[0], credentials[1]));
            Assert.StartsWith("-ERR", await NatsConnectAsync(uri.Port, credentials[0], "wrong"), StringComparison.Ordinal);

            var configFile = Directory.GetFiles(Path.GetTempPath(), "nats.conf", SearchOption.AllDirectories)
                .Single(f => File.ReadAllText(f).Contains($":{uri.Port}\"", StringComparison.Ordinal));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(configFile));
            runDirectory = Path.GetDirectoryName(Path.GetDirectoryName(configFile))!;
            Assert.True(Directory.Exists(Path.Combine(runDirectory, "data", "nats", "jetstream")));
        }
        finally
        {
            await app.DisposeAsync();
        }

        Assert.All(pids, pid => Assert.False(LinuxProcesses.IsAlive(pid), $"process {pid} outlived the application"));
        Assert.False(Directory.Exists(runDirectory), "the run directory was not deleted");
    }

    [Fact]
    public void A_missing_server_binary_names_the_install_command()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => ExecutableLocator.Require("no-such-server-xyz", "no-such-server-xyz"));

        Assert.Contains("sudo apt-get install no-such-server-xyz", error.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/sbin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unbuilt_project_stops_start_up_before_any_process_runs()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddRedis("redis");
        builder.AddProject<UnbuiltProject>("unbuilt");
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());

        Assert.Contains("Project 'unbuilt' is not built", error.Message, StringComparison.Ordinal);
        Assert.Contains("Build GamingSystem.AppHost", error.Message, StringComparison.Ordinal);
        Assert.Empty(app.ResourceNotifications.ProcessIds());
    }

    /// <summary>Speaks just enough of the NATS protocol to prove the generated credentials are enforced.</summary>
    private static async Task<string> NatsConnectAsync(int port, string user, string password)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        await using var writer = new StreamWriter(client.GetStream(), Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        Assert.StartsWith("INFO ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        await writer.WriteLineAsync($$"""CONNECT {"verbose":true,"pedantic":false,"user":"{{user}}","pass":"{{password}}"}""");
        return await reader.ReadLineAsync() ?? string.Empty;
    }

    private sealed class UnbuiltProject : IProjectMetadata
    {
        public string ProjectPath => "/nowhere/Unbuilt.csproj";
    }
}

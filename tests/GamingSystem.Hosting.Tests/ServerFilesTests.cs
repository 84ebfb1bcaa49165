using Microsoft.Extensions.Hosting;

namespace GamingSystem.Hosting.Tests;

/// <summary>The generated server configuration holds secrets: only its owner may read it, and it goes with the run.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServerFilesTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly RunFiles _files = new(new StoppableLifetime());

    [Fact]
    public void A_private_file_is_readable_by_its_owner_only_even_when_it_replaces_a_readable_one()
    {
        var path = Path.Combine(_files.DirectoryFor("nats"), "nats.conf");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        RunFiles.WritePrivateFile(path, "password: secret");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal("password: secret", File.ReadAllText(path));
    }

    [Fact]
    public void The_run_folder_is_private_and_deleted_when_the_apphost_stops()
    {
        var lifetime = new StoppableLifetime();
        var files = new RunFiles(lifetime);
        var folder = files.DirectoryFor("redis", "data");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(files.Root));
        Assert.True(Directory.Exists(folder));

        lifetime.Stop();

        Assert.False(Directory.Exists(files.Root));
    }

    [Fact]
    public void The_folder_of_a_killed_run_is_deleted_by_the_next_run()
    {
        // A pid far above any the kernel hands out (pid_max is at most 2^22) stands for an AppHost that is gone.
        var dead = Directory.CreateTempSubdirectory("gamingsystem-99999999-");
        File.WriteAllText(Path.Combine(dead.FullName, "nats.conf"), "password: old");
        var live = Directory.CreateTempSubdirectory($"gamingsystem-{Environment.ProcessId}-");
        try
        {
            using var next = new RunFiles(new StoppableLifetime());

            Assert.StartsWith($"gamingsystem-{Environment.ProcessId}-", Path.GetFileName(next.Root));
            Assert.False(Directory.Exists(dead.FullName));
            Assert.True(Directory.Exists(live.FullName));
        }
        finally
        {
            live.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_nats_configuration_carries_the_generated_credentials_and_the_jetstream_store()
    {
        var builder = DistributedApplication.CreateBuilder();
        var nats = builder.AddNats("nats").WithJetStream();

        await NatsServerBuilderExtensions.WriteConfigurationAsync(nats.Resource, _files, CancellationToken.None);

        var path = NatsServerBuilderExtensions.ConfigurationPath(nats.Resource, _files);
        var config = File.ReadAllText(path);
        var password = await nats.Resource.PasswordParameter.GetValueAsync(CancellationToken.None);
        Assert.True(password!.Length >= 22, "the generated password is long");
        Assert.Contains($"password: \"{password}\"", config);
        Assert.Contains("user: \"nats\"", config);
        Assert.Contains($"store_dir: \"{_files.DirectoryFor("nats", "jetstream")}\"", config);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task The_redis_configuration_disables_the_default_user_and_keeps_an_append_only_file()
    {
        var builder = DistributedApplication.CreateBuilder();
        var redis = builder.AddRedis("redis").WithDataDirectory(Path.Combine(_files.Root, "kept"));

        await RedisServerBuilderExtensions.WriteConfigurationAsync(redis.Resource, _files, CancellationToken.None);

        var path = RedisServerBuilderExtensions.ConfigurationPath(redis.Resource, _files);
        var config = File.ReadAllText(path);
        var password = await redis.Resource.PasswordParameter.GetValueAsync(CancellationToken.None);
        // Not off: Redis 7.0 replays the append-only file as the default user (ResilienceTests kills redis-server).
        Assert.Matches(@"user default on >[A-Za-z0-9_-]{43} ~\* &\* \+@all", config);
        Assert.DoesNotContain($"user default on >{password}", config);
        Assert.Contains($"user operator on >{password} ~* &* +@all", config);
        Assert.DoesNotContain("requirepass", config);
        Assert.Contains("appendonly yes", config);
        Assert.Contains($"dir \"{Path.Combine(_files.Root, "kept")}\"", config);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_missing_server_binary_is_an_error_that_says_how_to_install_it()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => ServerBinary.Locate("no-such-server", "no-such-package", searchPath: "/nonexistent"));

        Assert.Contains("'no-such-server' was not found", error.Message);
        Assert.Contains("sudo apt-get install no-such-package", error.Message);
    }

    [Fact]
    public void Debians_nats_server_is_found_in_sbin_even_off_the_path() =>
        Assert.Equal("/usr/sbin/nats-server", ServerBinary.Locate("nats-server", "nats-server", searchPath: "/nonexistent"));

    public void Dispose() => _files.Dispose();

    internal sealed class StoppableLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public void Stop() => _stopped.Cancel();

        public void StopApplication() => Stop();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GamingSystem.Contracts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.Deploy.Tests;

/// <summary>
/// The nats-server configuration the stack gives each node, from the real manifest: accepted by
/// <c>nats-server -t</c>, and, with loopback addresses, a running 3-node cluster whose five JetStream streams
/// have 3 replicas.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class NatsClusterTests(DeploymentFixture deployment) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private readonly string _folder = Directory.CreateTempSubdirectory("nats-cluster-").FullName;
    private readonly List<Process> _servers = [];

    private IReadOnlyList<NatsClusterUser> Users()
    {
        var nats = deployment.Manifest.OfKind(ResourceKind.Nats).Single();
        return NatsDeployment.UsersOf(deployment.Manifest, nats, NatsDeployment.PasswordParameterOf(nats));
    }

    private Dictionary<string, string> Passwords() =>
        Users().ToDictionary(u => u.PasswordVariable, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    [Fact]
    public async Task The_generated_configuration_passes_nats_server_test()
    {
        var nodes = Enumerable.Range(0, 3).Select(i => new NatsNode($"nats-{i}", $"nats-{i}.gaming.internal")).ToList();
        var users = Users();
        Assert.Contains(users, u => u.Name == "gateway" && u.Permissions is not null);
        Assert.Contains(users, u => u.Name == "event-bus" && u.Permissions!.Publish.Contains("$JS.API.>"));
        var directory = Path.Combine(_folder, "nats-0");
        var config = NatsClusterConfig.Render(nodes[0], nodes, NatsDeployment.FilesIn(directory, Path.Combine(_folder, "js")), users);

        // The node's own start script, as its container runs it, with -t: test the configuration and exit.
        var (exitCode, output) = await RunAsync(NatsDeployment.StartScript(directory, NatsServer(), "-t"), NodeEnvironment(config, Passwords()));
        Assert.True(exitCode == 0, output);
        Assert.Contains("is valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_nodes_on_loopback_form_a_cluster_whose_streams_have_three_replicas()
    {
        var nodes = Enumerable.Range(0, 3).Select(i => new NatsNode($"nats-{i}", "127.0.0.1", FreePort(), FreePort(), FreePort())).ToList();
        var users = Users();
        var passwords = Passwords();
        foreach (var node in nodes)
        {
            var directory = Path.Combine(_folder, node.Name);
            var config = NatsClusterConfig.Render(node, nodes, NatsDeployment.FilesIn(directory, Path.Combine(directory, "jetstream")), users, listenHost: "127.0.0.1");
            _servers.Add(Start(NatsDeployment.StartScript(directory, NatsServer()), NodeEnvironment(config, passwords)));
        }

        // The stream owner's identity, as event-bus connects in AWS: TLS, its own user, trusting the cluster's CA.
        var owner = users.Single(u => u.Permissions?.Publish.Contains("$JS.API.>") == true);
        var caFile = Path.Combine(_folder, "client-ca.pem");
        await File.WriteAllTextAsync(caFile, Pem.Ca);
        await using var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = string.Join(',', nodes.Select(n => $"tls://127.0.0.1:{n.ClientPort}")),
            AuthOpts = NatsAuthOpts.Default with { Username = owner.Name, Password = passwords[owner.PasswordVariable] },
            TlsOpts = new NatsTlsOpts { Mode = TlsMode.Require, CaFile = caFile },
            InboxPrefix = $"_INBOX.{owner.Name}",
            RetryOnInitialConnect = true,
        });
        var js = new NatsJSContext(connection);
        using var timeout = new CancellationTokenSource(Deadline);
        foreach (var stream in EventContracts.Streams)
        {
            // JetStream needs the cluster's meta leader first: retry until the deadline.
            while (true)
            {
                try
                {
                    await js.CreateOrUpdateStreamAsync(new StreamConfig(stream.Name, [.. stream.Subjects]) { NumReplicas = 3, Storage = StreamConfigStorage.File }, timeout.Token);
                    break;
                }
                catch (NatsException) when (!timeout.IsCancellationRequested)
                {
                    await Task.Delay(250, timeout.Token);
                }
            }
        }

        Assert.Equal(5, EventContracts.Streams.Count);
        foreach (var stream in EventContracts.Streams)
        {
            while (true)
            {
                var info = (await js.GetStreamAsync(stream.Name, cancellationToken: timeout.Token)).Info;
                Assert.Equal(3, info.Config.NumReplicas);
                // The leader and two current replicas on the other nodes.
                if (info.Cluster?.Leader is not null && info.Cluster.Replicas?.Count(r => r.Current) == 2)
                {
                    Assert.Equal(3, new[] { info.Cluster.Leader }.Concat(info.Cluster.Replicas.Select(r => r.Name)).Distinct().Count());
                    break;
                }

                await Task.Delay(200, timeout.Token);
            }
        }
    }

    /// <summary>What ECS gives a node's container: its configuration, its TLS files and the users' passwords.</summary>
    private static Dictionary<string, string> NodeEnvironment(string config, IReadOnlyDictionary<string, string> passwords)
    {
        var environment = new Dictionary<string, string>(passwords)
        {
            ["NATS_CONFIG"] = config,
            ["NATS_TLS_CA"] = Pem.Ca,
            ["NATS_TLS_CERT"] = Pem.Certificate,
            ["NATS_TLS_KEY"] = Pem.Key,
        };
        return environment;
    }

    private static ProcessStartInfo Shell(string script, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", script }, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static Process Start(string script, IReadOnlyDictionary<string, string> environment)
    {
        var info = Shell(script, environment);

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        using var process = Process.Start(Shell(script, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static string NatsServer() =>
        new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nats-server is missing: apt-get install nats-server");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(5000);
            }

            server.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A CA and a node certificate for the test (names of AWS and of loopback), as the operator makes them (docs/deploy.md).</summary>
    private static class Pem
    {
        private static readonly (string Ca, string Certificate, string Key) Files = Create();

        public static string Ca => Files.Ca;

        public static string Certificate => Files.Certificate;

        public static string Key => Files.Key;

        private static (string, string, string) Create()
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=GamingSystem NATS test CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=nats", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            names.AddDnsName("*.gaming.internal");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(50), RandomNumberGenerator.GetBytes(8));
            return (ca.ExportCertificatePem(), certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        }
    }
}

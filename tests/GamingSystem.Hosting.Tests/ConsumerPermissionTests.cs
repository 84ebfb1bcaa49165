using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.Security;
using GamingSystem.Contracts;
using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Events;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace GamingSystem.Hosting.Tests;

/// <summary>
/// A real nats-server under the configuration the AppHost generates: a service that declares it consumes an event
/// runs the SDK's durable consumer for it under its own identity, and can touch no other consumer.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConsumerPermissionTests : IAsyncLifetime
{
    private const string WeatherManager = "weather-manager";
    private const string TimeManager = "time-manager";

    private readonly RunFiles _files = new(new ServerFilesTests.StoppableLifetime());
    private Process? _server;
    private NatsServerResource _nats = null!;
    private string _address = "";

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder();
        var nats = builder.AddNats(ResourceNames.Nats).WithJetStream();
        foreach (var name in new[] { WeatherManager, TimeManager })
        {
            var project = Path.Combine(_files.DirectoryFor("projects"), name + ".csproj");
            File.WriteAllText(project, "<Project />");
            builder.AddProject(name, project).WithHttpEndpoint().WithReference(nats);
        }

        using var app = builder.Build();
        ServiceIdentities.Assign(app.Services.GetRequiredService<DistributedApplicationModel>(), _files);
        await NatsServerBuilderExtensions.WriteConfigurationAsync(nats.Resource, _files, CancellationToken.None);
        _nats = nats.Resource;

        var port = FreePort();
        _address = $"127.0.0.1:{port}";
        _server = Process.Start(new ProcessStartInfo("nats-server", ["-c", NatsServerBuilderExtensions.ConfigurationPath(_nats, _files), "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;

        await using var operatorConnection = await ConnectAsync($"nats://nats:{await _nats.PasswordParameter.GetValueAsync(CancellationToken.None)}@{_address}");
        var js = new NatsJSContext(operatorConnection);
        foreach (var stream in EventContracts.Streams)
        {
            await js.CreateOrUpdateStreamAsync(new StreamConfig(stream.Name, [.. stream.Subjects]));
        }
    }

    [Fact]
    public async Task A_service_runs_the_consumer_of_an_event_its_contract_consumes()
    {
        var handled = new TaskCompletionSource<TimeTick>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = ConnectionStringOf(WeatherManager),
            ["OTEL_SERVICE_NAME"] = WeatherManager,
            [ProcessSettings.ManageEventStreams] = "false",
        });
        builder.AddNatsClient(ResourceNames.Nats);
        builder.Services.AddSingleton(handled);
        builder.AddEventHandler<TimeTick, TickHandler>();
        using var weather = builder.Build();
        await weather.StartAsync();

        await using var time = await ConnectAsync(ConnectionStringOf(TimeManager));
        var tick = new TimeTick { Time = new GameTime { Hour = 7 } };
        var ack = await new NatsJSContext(time).PublishAsync(EventContracts.SubjectOf(TimeTick.Descriptor)!, tick.ToByteArray());
        ack.EnsureSuccess();

        Assert.Equal(7, (await handled.Task.WaitAsync(TimeSpan.FromSeconds(20))).Time.Hour);
        await weather.StopAsync();
    }

    [Fact]
    public async Task A_service_cannot_create_a_consumer_it_does_not_own()
    {
        await using var weather = await ConnectAsync(ConnectionStringOf(WeatherManager));
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        weather.ServerError += (_, args) =>
        {
            refused.TrySetResult(args.Error);
            return ValueTask.CompletedTask;
        };
        var js = new NatsJSContext(weather, new NatsJSOpts(weather.Opts, requestTimeout: TimeSpan.FromSeconds(2)));

        // A consumer named for another service: the identity may create only its own.
        await Assert.ThrowsAnyAsync<Exception>(async () => await js.CreateOrUpdateConsumerAsync("WORLD", new ConsumerConfig("time-manager_TimeTick")));

        Assert.Contains("Permissions Violation for Publish to \"$JS.API.CONSUMER", await refused.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        _files.Dispose();
    }

    private string ConnectionStringOf(string project) => _nats.Users.Single(u => u.Name == project).ConnectionString([_address], tls: false);

    private static async Task<NatsConnection> ConnectAsync(string connectionString)
    {
        var uri = new Uri(connectionString);
        var user = uri.UserInfo.Split(':');
        var connection = new NatsConnection(new NatsOpts
        {
            Url = $"nats://{uri.Host}:{uri.Port}",
            AuthOpts = new NatsAuthOpts { Username = user[0], Password = user[1] },
            InboxPrefix = $"_INBOX.{user[0]}",
            RetryOnInitialConnect = true,
        });
        await connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return connection;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class TickHandler(TaskCompletionSource<TimeTick> handled) : IEventHandler<TimeTick>
    {
        public ValueTask HandleAsync(TimeTick evt, EventContext context)
        {
            handled.TrySetResult(evt);
            return ValueTask.CompletedTask;
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using GamingSystem.Contracts;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.Auth.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// An attacker who stole one service's credentials (read from that service's secrets, as its process has them)
/// reaches only what the app model gives that service: the AppHost's generated NATS permissions and Redis ACLs, and
/// the gateway's proof on player ids, hold on the booted system.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SecurityTests(SystemFixture system)
{
    /// <summary>Well inside the SDK's default 10 s deadline: a denial must not look like a timeout.</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData("svc.auth.v1.>")]
    [InlineData("svc.>")]
    [InlineData(">")]
    [InlineData("_INBOX.gateway.>")]
    [InlineData("evt.>")]
    public async Task A_stolen_service_identity_cannot_listen_to_other_subjects(string subject)
    {
        await using var thief = await ConnectAsAsync(ResourceNames.Settings);
        var refusals = Refusals(thief);
        await using var subscription = await thief.SubscribeCoreAsync<byte[]>(subject);

        var refusal = await refusals.Task.WaitAsync(Quickly);

        Assert.Contains("Permissions Violation for Subscription", refusal);
        Assert.Contains(subject, refusal);
    }

    [Fact]
    public async Task A_stolen_service_identity_cannot_listen_beside_its_replicas_outside_their_queue_group()
    {
        await using var thief = await ConnectAsAsync(ResourceNames.Settings);
        var refusals = Refusals(thief);
        await using var subscription = await thief.SubscribeCoreAsync<byte[]>("svc.settings.v1.>");

        Assert.Contains("Permissions Violation for Subscription", await refusals.Task.WaitAsync(Quickly));
    }

    [Fact]
    public async Task Calling_a_service_it_does_not_reference_is_denied_at_once_not_timed_out()
    {
        await using var thief = await BusClient.StartAsync(system, identity: ResourceNames.Settings);

        var watch = Stopwatch.StartNew();
        var denied = await Assert.ThrowsAsync<ServiceException>(() => thief.Services.RequestAsync<ValidateResponse>(
            ContractRegistry.Auth.FindMethodByName("Validate"), new ValidateRequest { Token = "stolen" }));

        Assert.Equal(ErrorCode.PermissionDenied, denied.Code);
        Assert.Contains("svc.auth.v1.validate", denied.Message);
        Assert.True(watch.Elapsed < Quickly, $"denied after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_stream_from_a_service_it_does_not_reference_is_denied_at_once_not_timed_out()
    {
        await using var thief = await BusClient.StartAsync(system, identity: ResourceNames.Settings);
        var request = new GenerateRequest { Model = "local-markov-small", MaxTokens = 5, Messages = { new ChatMessage { Role = GamingSystem.Contracts.AiIntegration.V1.Role.User, Content = "dragons" } } };

        var watch = Stopwatch.StartNew();
        var denied = await Assert.ThrowsAsync<ServiceException>(async () =>
        {
            await foreach (var unused in thief.Services.StreamAsync<GenerateChunk>(ContractRegistry.AiIntegration.FindMethodByName("StreamGenerate"), request))
            {
            }
        });

        Assert.Equal(ErrorCode.PermissionDenied, denied.Code);
        Assert.Contains("svc.ai_integration.v1.stream_generate", denied.Message);
        Assert.True(watch.Elapsed < Quickly, $"denied after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_stolen_service_identity_cannot_publish_another_domains_event()
    {
        await using var thief = await BusClient.StartAsync(system, identity: ResourceNames.Settings);
        var forged = new PlayerRegistered { PlayerId = $"forged-{Guid.NewGuid():N}", Username = "mallory" };

        var denied = await Assert.ThrowsAsync<ServiceException>(async () => await thief.Events.PublishEventAsync(forged, forged.PlayerId));

        Assert.Equal(ErrorCode.PermissionDenied, denied.Code);
        Assert.Contains(EventContracts.SubjectOf(PlayerRegistered.Descriptor)!, denied.Message);
        await using var bus = await BusClient.StartAsync(system);
        var stream = await bus.Get<INatsJSContext>().GetStreamAsync(EventContracts.StreamFor(EventContracts.SubjectOf(PlayerRegistered.Descriptor)!).Name);
        Assert.DoesNotContain(await SubjectsAsync(stream, EventContracts.SubjectOf(PlayerRegistered.Descriptor)!), m => m.Contains(forged.PlayerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_publishes_its_own_events()
    {
        await using var settings = await BusClient.StartAsync(system, identity: ResourceNames.Settings);
        var own = new SettingsChanged { PlayerId = $"own-{Guid.NewGuid():N}", Settings = new PlayerSettings() };

        var receipt = await settings.Events.PublishEventAsync(own, own.PlayerId);

        Assert.True(receipt.Sequence > 0);
    }

    [Fact]
    public async Task The_gateway_identity_cannot_call_a_method_without_an_http_route()
    {
        await using var gateway = await BusClient.StartAsync(system, identity: ResourceNames.Gateway);
        var unrouted = ContractRegistry.Services.SelectMany(s => s.Methods).Where(m => !ContractRegistry.HasHttpRoute(m)).ToList();
        Assert.NotEmpty(unrouted);

        foreach (var method in unrouted)
        {
            var request = (IMessage)Activator.CreateInstance(method.InputType.ClrType)!;
            var denied = await Assert.ThrowsAsync<ServiceException>(() => gateway.Services.RequestAsync(method, request, new CallOptions { Timeout = Quickly }));
            Assert.True(denied.Code == ErrorCode.PermissionDenied, $"{method.FullName}: {denied.Code} {denied.Message}");
        }
    }

    [Fact]
    public async Task A_player_id_without_the_gateways_proof_is_refused_even_on_a_permitted_call()
    {
        // The operator may call anything; it still cannot say which player a request is for.
        await using var forger = await BusClient.StartAsync(system, signsAsGateway: false);

        var denied = await Assert.ThrowsAsync<ServiceException>(() => forger.Services.RequestAsync<PlayerSettings>(
            ContractRegistry.Settings.FindMethodByName("Get"), new GetSettingsRequest(), new CallOptions { PlayerId = "victim" }));

        Assert.Equal(ErrorCode.PermissionDenied, denied.Code);
        Assert.Contains(MessagingHeaders.CallerProof, denied.Message);
    }

    [Fact]
    public async Task A_forged_or_borrowed_proof_is_refused()
    {
        await using var operatorConnection = new NatsConnection(new NatsOpts { Url = await system.App.GetConnectionStringAsync(ResourceNames.Nats) ?? "" });
        await using var gateway = await BusClient.StartAsync(system);
        var genuine = gateway.Get<CallerProofs>().Sign("alice")!;
        var subject = ServiceSubjects.For(ContractRegistry.Settings.FindMethodByName("Get"));

        foreach (var (player, proof) in new[] { ("alice", "4102444800.AAAA"), ("mallory", genuine), ("alice", "") })
        {
            var headers = new NatsHeaders { [MessagingHeaders.PlayerId] = player, [MessagingHeaders.CallerProof] = proof };
            var reply = await operatorConnection.RequestAsync<byte[], byte[]>(subject, new GetSettingsRequest().ToByteArray(), headers);

            Assert.Equal(
                ErrorCodes.ToHttpStatus(ErrorCode.PermissionDenied).ToString(System.Globalization.CultureInfo.InvariantCulture),
                reply.Headers?["Nats-Service-Error-Code"].ToString());
            Assert.Contains(MessagingHeaders.CallerProof, reply.Headers?["Nats-Service-Error"].ToString());
        }
    }

    [Fact]
    public async Task A_stolen_redis_identity_reaches_only_its_own_keys()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(system.SecretOf(ResourceNames.Settings, $"ConnectionStrings:{ResourceNames.Redis}"));
        var db = redis.GetDatabase();

        await db.StringSetAsync("{settings}:security-probe", "mine", TimeSpan.FromMinutes(1));
        Assert.Equal("mine", (string?)await db.StringGetAsync("{settings}:security-probe"));

        foreach (var attempt in new Func<Task>[]
        {
            () => db.StringGetAsync("{auth}:user:ada"),
            () => db.StringSetAsync("{auth}:session:forged", "x"),
            () => db.HashGetAllAsync("{model-management}:models"),
            () => db.ExecuteAsync("KEYS", "*"),
            () => db.ExecuteAsync("FLUSHALL"),
            () => db.ExecuteAsync("CONFIG", "GET", "requirepass"),
            () => db.ScriptEvaluateAsync("return redis.call('GET', KEYS[1])", ["{auth}:user:ada"]),
        })
        {
            var refused = await Assert.ThrowsAsync<RedisServerException>(attempt);
            Assert.StartsWith("NOPERM", refused.Message);
        }
    }

    [Fact]
    public async Task Redis_refuses_a_connection_without_a_user()
    {
        var connection = await system.App.GetConnectionStringAsync(ResourceNames.Redis)
            ?? throw new InvalidOperationException("redis has no connection string");
        var endpoint = connection.Split(',')[0].Split(':');
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint[0], int.Parse(endpoint[1], System.Globalization.CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Quickly);

        Assert.StartsWith("-NOAUTH", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public void Only_the_gateway_and_orchestration_hold_the_key_that_signs_player_ids()
    {
        var holders = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .Where(project => File.Exists(Path.Combine(
                system.EnvironmentOf(project.Name)[ProcessSettings.SecretsDirectory]!, ProcessSettings.AsEnvironmentVariable(ProcessSettings.CallerSigningKey))))
            .Select(project => project.Name);

        Assert.Equal([ResourceNames.Gateway, ResourceNames.Orchestration], holders.Order());
        Assert.Equal(system.SecretOf(ResourceNames.Gateway, ProcessSettings.CallerSigningKey), system.SecretOf(ResourceNames.Orchestration, ProcessSettings.CallerSigningKey));
    }

    [Fact]
    public async Task No_secret_is_in_any_resources_environment_or_logs()
    {
        var secrets = new List<string>
        {
            Password(await system.App.GetConnectionStringAsync(ResourceNames.Nats)),
            (await system.App.GetConnectionStringAsync(ResourceNames.Redis))!.Split("password=")[1].Split(',')[0],
            system.SecretOf(ResourceNames.Gateway, ProcessSettings.CallerSigningKey),
            SystemFixture.LlmKey,
        };
        var projects = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Select(p => p.Name).ToList();
        foreach (var project in projects)
        {
            secrets.Add(Password(system.SecretOf(project, $"ConnectionStrings:{ResourceNames.Nats}")));
        }

        Assert.All(secrets, secret => Assert.True(secret.Length >= 16, "a secret was not found"));
        foreach (var resource in system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(r => r.Name))
        {
            if (!system.App.ResourceNotifications.TryGetCurrentState(resource, out _))
            {
                continue;
            }

            var environment = string.Join('\n', system.EnvironmentOf(resource).Select(variable => $"{variable.Key}={variable.Value}"));
            var logs = await system.RecentLogsAsync(resource, lines: 10_000);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, environment);
                Assert.DoesNotContain(secret, logs);
            }
        }
    }

    private static string Password(string? natsConnectionString) =>
        new Uri(natsConnectionString ?? throw new InvalidOperationException("no connection string")).UserInfo.Split(':')[1];

    private async Task<NatsConnection> ConnectAsAsync(string project)
    {
        var uri = new Uri(system.SecretOf(project, $"ConnectionStrings:{ResourceNames.Nats}"));
        var user = uri.UserInfo.Split(':');
        var connection = new NatsConnection(new NatsOpts
        {
            Url = $"nats://{uri.Host}:{uri.Port}",
            AuthOpts = new NatsAuthOpts { Username = user[0], Password = user[1] },
            InboxPrefix = $"_INBOX.{user[0]}",
        });
        await connection.ConnectAsync();
        return connection;
    }

    private static TaskCompletionSource<string> Refusals(NatsConnection connection)
    {
        var refusal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ServerError += (_, args) =>
        {
            refusal.TrySetResult(args.Error);
            return ValueTask.CompletedTask;
        };
        return refusal;
    }

    private static async Task<List<string>> SubjectsAsync(INatsJSStream stream, string subject)
    {
        var messages = new List<string>();
        try
        {
            var last = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = subject });
            messages.Add(Encoding.UTF8.GetString(last.Message.Data.Span));
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // No such event at all: nothing forged was stored either.
        }

        return messages;
    }
}

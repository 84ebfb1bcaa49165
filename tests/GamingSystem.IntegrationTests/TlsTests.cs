using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Messaging;
using NATS.Client.Core;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The whole system with NATS and Redis speaking TLS only: every service verifies the servers against the CA made
/// for the run, a player's requests work end to end, and plaintext clients (or clients that do not trust the CA)
/// are refused.
/// </summary>
[Collection(TlsSystemCollection.Name)]
public sealed class TlsTests(TlsSystemFixture system)
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_player_registers_logs_in_and_changes_settings_over_tls_all_the_way()
    {
        var name = $"tls{Guid.NewGuid():N}"[..20];
        var credentials = new { username = name, password = "a long passphrase" };
        (await system.Gateway.PostAsJsonAsync("/api/v1/auth/register", credentials)).EnsureSuccessStatusCode();
        var login = await (await system.Gateway.PostAsJsonAsync("/api/v1/auth/login", credentials)).Content.ReadFromJsonAsync<JsonObject>();
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/settings/me") { Content = JsonContent.Create(new { masterVolume = 33 }) };
        request.Headers.Authorization = new("Bearer", login!["token"]!.GetValue<string>());

        var response = await system.Gateway.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(33, (await response.Content.ReadFromJsonAsync<JsonObject>())!["masterVolume"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_sdk_calls_services_over_tls_verifying_the_server()
    {
        await using var bus = await BusClient.StartAsync(system);

        var settings = await bus.Services.RequestAsync<PlayerSettings>(
            ContractRegistry.Settings.FindMethodByName("Get"), new GetSettingsRequest(), new CallOptions { PlayerId = $"tls-{Guid.NewGuid():N}" });

        Assert.Equal(80, settings.MasterVolume);
        Assert.True(bus.Get<INatsConnection>().ServerInfo?.TlsRequired);
    }

    [Fact]
    public async Task A_plaintext_nats_client_is_refused()
    {
        var uri = new Uri((await system.App.GetConnectionStringAsync(ResourceNames.Nats))!);
        var user = uri.UserInfo.Split(':');
        await using var plaintext = new NatsConnection(new NatsOpts
        {
            Url = $"nats://{uri.Host}:{uri.Port}",
            AuthOpts = new NatsAuthOpts { Username = user[0], Password = user[1] },
            TlsOpts = new NatsTlsOpts { Mode = TlsMode.Disable },
        });

        await Assert.ThrowsAnyAsync<NatsException>(async () => await plaintext.ConnectAsync().AsTask().WaitAsync(Quickly));
    }

    [Fact]
    public async Task A_nats_client_that_does_not_trust_the_runs_ca_is_refused()
    {
        await using var untrusting = new NatsConnection(new NatsOpts { Url = (await system.App.GetConnectionStringAsync(ResourceNames.Nats))! });

        await Assert.ThrowsAnyAsync<NatsException>(async () => await untrusting.ConnectAsync().AsTask().WaitAsync(Quickly));
    }

    [Fact]
    public async Task A_plaintext_redis_client_gets_no_answer()
    {
        var endpoint = (await system.App.GetConnectionStringAsync(ResourceNames.Redis))!.Split(',')[0].Split(':');
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint[0], int.Parse(endpoint[1], System.Globalization.CultureInfo.InvariantCulture));
        var stream = client.GetStream();

        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[64];
        int read;
        try
        {
            read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Quickly);
        }
        catch (IOException)
        {
            read = 0;
        }

        // A TLS server closes the connection (or answers with a TLS alert): never +PONG or -NOAUTH.
        Assert.False(read > 0 && (buffer[0] == (byte)'+' || buffer[0] == (byte)'-'), System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }
}

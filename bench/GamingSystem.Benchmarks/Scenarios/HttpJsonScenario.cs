using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>
/// The HTTP alternative: a Kestrel minimal API echoing a JSON body (the payload as base64, as proto3 JSON
/// writes bytes), called by one pooled HttpClient over HTTP/1.1 keep-alive connections.
/// </summary>
internal sealed class HttpJsonScenario(byte[] payload, int callers) : IScenario
{
    private const string Route = "/echo";

    private readonly EchoBody _body = new(payload);
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, EchoJsonContext.Default));
        _app = builder.Build();
        _app.MapPost(Route, (EchoBody body) => body);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);

        _client = new HttpClient(new SocketsHttpHandler
        {
            // One connection per caller: HTTP/1.1 carries one request at a time on a connection.
            MaxConnectionsPerServer = callers,
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = new Uri(_app.Urls.Single()),
        };
        // Kestrel is listening once StartAsync returns; one call proves the pair works before anything is measured.
        await CallAsync().ConfigureAwait(false);
    }

    public async ValueTask CallAsync()
    {
        using var response = await _client!.PostAsJsonAsync(Route, _body, EchoJsonContext.Default.EchoBody).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadFromJsonAsync(EchoJsonContext.Default.EchoBody).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

internal sealed record EchoBody(byte[] Data);

/// <summary>Source-generated JSON, what a performance-minded ASP.NET Core service would use.</summary>
[JsonSerializable(typeof(EchoBody))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class EchoJsonContext : JsonSerializerContext;

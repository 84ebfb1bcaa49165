using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The content services (npc-behavior, story-teller, knowledge-base) as a game client calls them: JSON through the
/// gateway, read back into the contract's messages; and their administrator methods over the bus, as a tool would.
/// </summary>
internal sealed class ContentApi(SystemFixture system)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public StateApi Http { get; } = new(system.Gateway);

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await system.Gateway.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A call that must succeed: its reply as the contract's message.</summary>
    public async Task<T> CallAsync<T>(HttpMethod method, string path, IMessage? body = null, string? token = null)
        where T : IMessage<T>, new()
    {
        var (status, text) = await SendAsync(method, path, body is null ? null : JsonFormatter.Default.Format(body), token);
        Assert.True(status == HttpStatusCode.OK, $"{method} {path}: {(int)status} {text}");
        return Parser.Parse<T>(text);
    }

    /// <summary>A call that must fail: its status and the problem's code and field.</summary>
    public async Task<(HttpStatusCode Status, string Code, string? Field)> ProblemAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var (status, text) = await SendAsync(method, path, json, token);
        var problem = JsonNode.Parse(text)!.AsObject();
        return (status, problem["code"]?.GetValue<string>() ?? "", problem["field"]?.GetValue<string>());
    }

    public static async Task<T> BusAsync<T>(BusClient bus, Google.Protobuf.Reflection.ServiceDescriptor service, string method, IMessage request)
        where T : IMessage<T> =>
        await bus.Services.RequestAsync<T>(service.FindMethodByName(method), request);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails the test at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? patience = null)
        where T : class
    {
        using var deadline = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"gave up waiting for {what}");
            }
        }
    }

    public static ServiceException Error(Exception ex) => Assert.IsType<ServiceException>(ex);
}

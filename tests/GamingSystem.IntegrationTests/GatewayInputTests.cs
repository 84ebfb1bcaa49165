using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GamingSystem.IntegrationTests;

/// <summary>How the gateway reads what an HTTP client sends: query strings, escaped keys, bytes, numbers and sizes.</summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayInputTests(SystemFixture system)
{
    /// <summary>The gateway's default <c>Gateway:MaxRequestBodyBytes</c>.</summary>
    private const int MaxRequestBodyBytes = 2 * 1024 * 1024;

    private const int MaxValueBytes = 1024 * 1024;

    private readonly StateApi _api = new(system.Gateway);

    private static string NewKey(string name) => $"test/{name}/{Guid.NewGuid():N}";

    [Fact]
    public async Task A_put_with_a_stale_expected_version_in_the_query_is_409()
    {
        var key = NewKey("query-cas");
        var (_, first) = await _api.PutAsync(key, "one");
        await _api.PutAsync(key, "two");

        var (status, problem) = await _api.SendAsync(
            HttpMethod.Put, $"{StateApi.Path(key)}?expectedVersion={StateApi.Long(first["version"])}", """{"value":"dGhyZWU="}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("FAILED_PRECONDITION", problem["code"]!.GetValue<string>());
        Assert.Equal("two", StateApi.Value((await _api.GetAsync(key)).Body));
    }

    [Fact]
    public async Task A_put_with_an_unknown_query_parameter_is_400_naming_it()
    {
        var key = NewKey("query-bogus");

        var (status, problem) = await _api.SendAsync(HttpMethod.Put, $"{StateApi.Path(key)}?bogus=1", """{"value":"aGk="}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", problem["code"]!.GetValue<string>());
        Assert.Equal("bogus", problem["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync(key)).Status);
    }

    [Fact]
    public async Task An_escaped_slash_and_an_escaped_percent_sign_name_different_keys()
    {
        var prefix = NewKey("escapes");

        var (slashStatus, slash) = await _api.SendAsync(HttpMethod.Put, $"/api/v1/state/{prefix}/a%2Fb", """{"value":"c2xhc2g="}""");
        var (literalStatus, literal) = await _api.SendAsync(HttpMethod.Put, $"/api/v1/state/{prefix}/a%252Fb", """{"value":"bGl0ZXJhbA=="}""");

        Assert.Equal(HttpStatusCode.OK, slashStatus);
        Assert.Equal(HttpStatusCode.OK, literalStatus);
        Assert.Equal($"{prefix}/a/b", slash["key"]!.GetValue<string>());
        Assert.Equal($"{prefix}/a%2Fb", literal["key"]!.GetValue<string>());
        Assert.Equal("slash", StateApi.Value((await _api.SendAsync(HttpMethod.Get, $"/api/v1/state/{prefix}/a/b")).Body));
        Assert.Equal("literal", StateApi.Value((await _api.SendAsync(HttpMethod.Get, $"/api/v1/state/{prefix}/a%252Fb")).Body));
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_400_naming_the_body()
    {
        using var content = new ByteArrayContent([.. "{\"value\":\""u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (status, problem) = await SendAsync(HttpMethod.Put, StateApi.Path(NewKey("utf8")), content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("body", problem["field"]!.GetValue<string>());
        Assert.Contains("UTF-8", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_int64_number_beyond_double_precision_is_400_naming_the_field()
    {
        var (status, problem) = await _api.SendAsync(
            HttpMethod.Put, StateApi.Path(NewKey("int64")), """{"value":"aGk=","expectedVersion":9007199254740993}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("expectedVersion", problem["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_gateway_limit_is_413_naming_the_limit(bool withContentLength)
    {
        var json = Encoding.UTF8.GetBytes($$"""{"value":"{{new string('A', MaxRequestBodyBytes)}}"}""");
        using HttpContent content = withContentLength ? new ByteArrayContent(json) : new StreamContent(new UnknownLengthStream(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (status, problem) = await SendAsync(HttpMethod.Put, StateApi.Path(NewKey("too-big")), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains($"{MaxRequestBodyBytes} bytes", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_value_of_the_documented_maximum_is_stored_and_read_back_whole()
    {
        var key = NewKey("value-max");
        var value = new byte[MaxValueBytes];
        Random.Shared.NextBytes(value);

        var (putStatus, put) = await _api.SendAsync(HttpMethod.Put, StateApi.Path(key), $$"""{"value":"{{Convert.ToBase64String(value)}}"}""");
        var (getStatus, got) = await _api.GetAsync(key);

        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(value, Convert.FromBase64String(got["value"]!.GetValue<string>()));
        Assert.NotNull(put["version"]);
    }

    [Fact]
    public async Task A_value_over_the_documented_maximum_is_400_naming_the_value()
    {
        var (status, problem) = await _api.SendAsync(
            HttpMethod.Put, StateApi.Path(NewKey("value-too-big")), $$"""{"value":"{{Convert.ToBase64String(new byte[MaxValueBytes + 1])}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("value", problem["field"]!.GetValue<string>());
        Assert.Contains($"the limit is {MaxValueBytes}", problem["detail"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await system.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)?.AsObject() ?? []);
    }

    /// <summary>A stream that will not tell its length, so HttpClient sends it chunked, with no Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

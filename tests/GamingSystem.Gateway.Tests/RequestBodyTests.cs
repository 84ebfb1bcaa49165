using System.Text;
using Microsoft.AspNetCore.Http;

namespace GamingSystem.Gateway.Tests;

public sealed class RequestBodyTests
{
    private const int Limit = 64;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_at_the_limit_is_read(bool withContentLength)
    {
        var json = $$"""{"value":"{{new string('A', Limit - 12)}}"}""";

        var text = await RequestBody.ReadJsonAsync(Request(json, withContentLength, out _), Limit, CancellationToken.None);

        Assert.Equal(json, text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_413_naming_the_limit_and_read_to_its_end_so_the_client_sees_the_answer(bool withContentLength)
    {
        var request = Request($$"""{"value":"{{new string('A', 10 * Limit)}}"}""", withContentLength, out var body);

        var error = await Assert.ThrowsAsync<BadHttpRequestException>(() => RequestBody.ReadJsonAsync(request, Limit, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, error.StatusCode);
        Assert.Contains($"limit of {Limit} bytes", error.Message);
        Assert.Equal(body.Length, body.Position);
    }

    private static HttpRequest Request(string json, bool withContentLength, out MemoryStream body)
    {
        var context = new DefaultHttpContext();
        body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        context.Request.Body = body;
        context.Request.ContentLength = withContentLength ? body.Length : null;
        context.Request.ContentType = "application/json";
        return context.Request;
    }
}

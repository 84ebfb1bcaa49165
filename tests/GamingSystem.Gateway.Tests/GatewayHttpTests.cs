using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// What a client of the gateway sees over HTTP: routes from the contracts, JSON in the proto3 mapping, and
/// every failure as problem+json with the status its code maps to, against a real service over a real NATS.
/// </summary>
public sealed class GatewayHttpTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private HttpClient Http => gateway.Http;

    [Fact]
    public async Task A_get_answers_200_with_the_reply_in_proto3_json_default_fields_included()
    {
        using var response = await Http.GetAsync("/api/v1/state/room/1");
        var body = await Json(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("room/1", body["key"]!.GetValue<string>());
        Assert.Equal("aGk=", body["value"]!.GetValue<string>());
        // int64 is a string in proto3 JSON; a field at its default is still written.
        Assert.Equal("3", body["version"]!.GetValue<string>());
        Assert.Equal("0", body["ttlSeconds"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_put_reads_its_body_and_query_and_answers_with_the_reply()
    {
        using var response = await Http.PutAsync(
            "/api/v1/state/k?ttlSeconds=5",
            new StringContent("""{"value":"aGk=","expectedVersion":"10"}""", Encoding.UTF8, "application/json"));
        var body = await Json(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The scripted handler answers expectedVersion + value length + ttl: 10 + 2 + 5.
        Assert.Equal("17", body["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_delete_and_a_list_bind_their_query_parameters()
    {
        using var delete = await Http.DeleteAsync("/api/v1/state/k?expectedVersion=4");
        using var list = await Http.GetAsync("/api/v1/state?prefix=room&pageSize=5&pageToken=t");
        var deleted = await Json(delete);
        var listed = await Json(list);

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("room", listed["entries"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("5", listed["entries"]![0]!["version"]!.GetValue<string>());
        Assert.Equal("t-next", listed["nextPageToken"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("missing", HttpStatusCode.NotFound, "NOT_FOUND", "not-found")]
    [InlineData("conflict", HttpStatusCode.Conflict, "FAILED_PRECONDITION", "failed-precondition")]
    [InlineData("bad", HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "invalid-argument")]
    [InlineData("boom", HttpStatusCode.InternalServerError, "INTERNAL", "internal")]
    public async Task A_service_error_is_problem_json_with_the_status_of_its_code(string key, HttpStatusCode status, string code, string type)
    {
        using var response = await Http.GetAsync($"/api/v1/state/{key}");
        var problem = await Problem(response, status);

        Assert.Equal(code, problem["code"]!.GetValue<string>());
        Assert.Equal(code, problem["title"]!.GetValue<string>());
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Equal($"https://gamingsystem.dev/problems/{type}", problem["type"]!.GetValue<string>());
        Assert.Equal($"/api/v1/state/{key}", problem["instance"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(problem["detail"]!.GetValue<string>()));
        Assert.DoesNotContain("secret internals", problem.ToJsonString());
    }

    [Fact]
    public async Task A_conflict_carries_the_current_version_in_its_details()
    {
        using var response = await Http.GetAsync("/api/v1/state/conflict");
        var problem = await Problem(response, HttpStatusCode.Conflict);

        Assert.Equal("7", problem["details"]!["current_version"]!.GetValue<string>());
        Assert.Equal("key 'conflict' is at version 7, not 6", problem["detail"]!.GetValue<string>());
        Assert.Null(problem["field"]);
    }

    [Fact]
    public async Task An_error_naming_a_field_carries_it()
    {
        using var response = await Http.GetAsync("/api/v1/state/bad");
        var problem = await Problem(response, HttpStatusCode.BadRequest);

        Assert.Equal("key", problem["field"]!.GetValue<string>());
        Assert.Null(problem["details"]);
    }

    [Fact]
    public async Task An_unknown_query_parameter_is_400_naming_it()
    {
        using var response = await Http.GetAsync("/api/v1/state/k?bogus=1");
        var problem = await Problem(response, HttpStatusCode.BadRequest);

        Assert.Equal("INVALID_ARGUMENT", problem["code"]!.GetValue<string>());
        Assert.Equal("bogus", problem["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/jsonp")]
    public async Task A_body_that_is_not_json_content_is_415_problem_json_naming_the_body(string mediaType)
    {
        using var response = await Http.PutAsync("/api/v1/state/k", new StringContent("value=1", Encoding.UTF8, mediaType));
        var problem = await Problem(response, HttpStatusCode.UnsupportedMediaType);

        Assert.Equal("INVALID_ARGUMENT", problem["code"]!.GetValue<string>());
        Assert.Equal(415, problem["status"]!.GetValue<int>());
        Assert.Equal("body", problem["field"]!.GetValue<string>());
        Assert.Equal($"body: Content-Type must be application/json, not {mediaType}; charset=utf-8", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_json_body_with_a_charset_parameter_is_accepted()
    {
        using var response = await Http.PutAsync("/api/v1/state/k", new StringContent("""{"value":"aGk="}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.RequestMessage!.Content!.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task An_unknown_path_is_404_problem_json()
    {
        using var response = await Http.GetAsync("/api/v1/nothing-here");
        var problem = await Problem(response, HttpStatusCode.NotFound);

        Assert.Equal("NOT_FOUND", problem["code"]!.GetValue<string>());
        Assert.Equal("no route for GET /api/v1/nothing-here", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_method_on_a_known_path_is_405_naming_the_allowed_ones()
    {
        using var response = await Http.PostAsync("/api/v1/state/k", new StringContent("{}", Encoding.UTF8, "application/json"));
        var problem = await Problem(response, HttpStatusCode.MethodNotAllowed);

        Assert.Equal("METHOD_NOT_ALLOWED", problem["code"]!.GetValue<string>());
        Assert.Equal(["DELETE", "GET", "PUT"], response.Content.Headers.Allow.Order());
        Assert.StartsWith("POST is not allowed on /api/v1/state/k; allowed: ", problem["detail"]!.GetValue<string>());
        Assert.Contains("PUT", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_gateways_limit_is_413_naming_the_limit(bool withContentLength)
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{"value":"{{new string('A', GatewayFixture.MaxRequestBodyBytes)}}"}""");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/state/k") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = !withContentLength;

        using var response = await Http.SendAsync(request);

        var problem = await AssertTooLarge(response, $"limit of {GatewayFixture.MaxRequestBodyBytes} bytes");
        Assert.Equal("body", problem["field"]!.GetValue<string>());
    }

    [Fact]
    public void Kestrel_cuts_a_body_off_at_twice_the_gateways_limit()
    {
        var kestrel = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;

        Assert.Equal(2L * GatewayFixture.MaxRequestBodyBytes, kestrel.Limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task An_exception_nothing_caught_is_a_500_problem_as_internal_without_its_message()
    {
        using var response = await Http.GetAsync(GatewayFixture.ThrowingPath);
        var problem = await Problem(response, HttpStatusCode.InternalServerError);

        Assert.Equal("INTERNAL", problem["code"]!.GetValue<string>());
        Assert.Equal("the gateway failed unexpectedly", problem["detail"]!.GetValue<string>());
        Assert.DoesNotContain("secret internals", problem.ToJsonString());
    }

    [Fact]
    public async Task A_body_within_the_limit_but_over_what_nats_carries_is_413()
    {
        // The test nats-server keeps its default max_payload of 1 MiB; 2 MiB of value is inside the gateway's limit.
        var value = Convert.ToBase64String(new byte[2 * 1024 * 1024 / 4 * 3]);
        using var response = await Http.PutAsync("/api/v1/state/k", new StringContent($$"""{"value":"{{value}}"}""", Encoding.UTF8, "application/json"));

        var problem = await AssertTooLarge(response, "larger than the message bus carries");
        Assert.Equal("payload", problem["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_handler_that_outlives_the_deadline_is_504()
    {
        var watch = Stopwatch.StartNew();
        using var response = await Http.GetAsync("/api/v1/state/hang");
        var problem = await Problem(response, HttpStatusCode.GatewayTimeout);

        Assert.Equal("DEADLINE_EXCEEDED", problem["code"]!.GetValue<string>());
        // The gateway's deadline is 1 s here: the answer comes with it, not with the client's own timeout.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("/scalar")]
    [InlineData("/scalar/")]
    public async Task The_interactive_api_page_is_html_that_reads_the_openapi_document(string path)
    {
        using var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        // Scalar's script resolves the document against the application's base (the page's path less /scalar/).
        Assert.Contains("\"url\":\"openapi/v1.json\"", html);
        Assert.Contains("GamingSystem API", html);

        // Its scripts come from the gateway itself, not from a CDN a closed network cannot reach.
        foreach (var script in new[] { "scalar.js", "scalar.aspnetcore.js" })
        {
            Assert.Contains($"src=\"{script}\"", html);
            using var js = await Http.GetAsync($"/scalar/{script}");
            Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        }

        using var document = await Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task Health_and_liveness_answer()
    {
        using var health = await Http.GetAsync("/health");
        using var alive = await Http.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public void Every_route_is_named_for_its_method_and_shows_its_nats_subject()
    {
        var endpoints = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();

        Assert.Contains(endpoints, e => e.DisplayName == "GET /api/v1/state/{**key} -> svc.state_manager.v1.get");
        Assert.Contains(endpoints, e => e.DisplayName == "PUT /api/v1/state/{**key} -> svc.state_manager.v1.put");
        var name = endpoints.Single(e => e.DisplayName!.StartsWith("DELETE /api/v1/state/", StringComparison.Ordinal)).Metadata.GetMetadata<IEndpointNameMetadata>();
        Assert.Equal("gaming.state_manager.v1.StateManager.Delete", name?.EndpointName);
    }

    private static async Task<JsonNode> AssertTooLarge(HttpResponseMessage response, string reason)
    {
        var problem = await Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("INVALID_ARGUMENT", problem["code"]!.GetValue<string>());
        Assert.Contains(reason, problem["detail"]!.GetValue<string>());
        return problem;
    }

    internal static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await Json(response);
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");
}

using System.Text;
using System.Text.Json;
using GamingSystem.Contracts;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// The messages a client gets for JSON it got wrong, int64 precision in nested, repeated and map fields, and
/// keys read from every form of request target.
/// </summary>
public sealed class JsonAndPathTests
{
    private static readonly HttpRoute Get = HttpRoute.For(ContractRegistry.StateManager).Single(r => r.Method.Name == "Get");
    private static readonly HttpRoute Put = HttpRoute.For(ContractRegistry.StateManager).Single(r => r.Method.Name == "Put");

    [Theory]
    [InlineData("""{"value":"aGk=",""", "the request body is not valid JSON (line 1, byte 16, near 'body')")]
    [InlineData("{\n  \"value\": tru\n}", "the request body is not valid JSON (line 2, byte 15, near 'body')")]
    [InlineData("""{"key":"k","value":["a",}""", "the request body is not valid JSON (line 1, byte ")]
    [InlineData("[1,2]", "body: must be a JSON object, not array")]
    [InlineData("\"text\"", "body: must be a JSON object, not string")]
    [InlineData("""{"value":"aGk=","colour":"red"}""", "colour: is not a field of PutRequest")]
    [InlineData("""{"expectedVersion":"abc"}""", "expectedVersion: expected an integer (number or decimal string), got the string \"abc\"")]
    [InlineData("""{"ttlSeconds":1.5}""", "ttlSeconds: expected an integer (number or decimal string), got the number 1.5")]
    [InlineData("""{"value":12}""", "value: expected base64 text, got the number 12")]
    [InlineData("""{"key":true}""", "key: expected a string, got true")]
    [InlineData("""{"value":null,"key":[1]}""", "key: expected a string, got an array")]
    [InlineData("""{"key":{"a":1}}""", "key: expected a string, got an object")]
    public async Task Json_the_parser_refuses_is_explained_in_the_clients_terms(string body, string message)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(Put, Encoding.UTF8.GetBytes(body), "/api/v1/state/k", "k"));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public async Task A_json_field_may_be_named_by_its_proto_name()
    {
        var request = (PutRequest)await Read(Put, """{"value":"aGk=","expected_version":"5","ttl_seconds":3}"""u8.ToArray(), "/api/v1/state/k", "k");

        Assert.Equal(5, request.ExpectedVersion);
        Assert.Equal(3, request.TtlSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n ")]
    public async Task An_empty_or_blank_body_is_an_empty_request(string body)
    {
        var request = (PutRequest)await Read(Put, Encoding.UTF8.GetBytes(body), "/api/v1/state/k", "k");

        Assert.Equal("k", request.Key);
        Assert.True(request.Value.IsEmpty);
    }

    [Fact]
    public async Task A_body_of_one_field_is_that_field_and_the_field_is_no_query_parameter()
    {
        var route = Put with { Body = "value" };

        var request = (PutRequest)await Read(route, "\"aGk=\""u8.ToArray(), "/api/v1/state/k", "k");
        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(route, "\"aGk=\""u8.ToArray(), "/api/v1/state/k", "k", "?value=aGk="));

        Assert.Equal("hi", request.Value.ToStringUtf8());
        Assert.Equal("value: is the request body; send it as the body", error.Message);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_named_with_their_offset()
    {
        byte[] body = [.. "{\"key\":\"caf"u8, 0xC3, 0x28, .. "\"}"u8];

        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(Put, body, "/api/v1/state/k", "k"));

        Assert.Equal("body: is not UTF-8: byte 0xC3 at offset 11 is not valid UTF-8; JSON must be sent as UTF-8", error.Message);
    }

    [Theory]
    [InlineData("""{"count":9007199254740993}""", "count")]
    [InlineData("""{"bucketCounts":[1,9007199254740993]}""", "bucketCounts[1]")]
    [InlineData("""{"bucket_counts":[9007199254740993]}""", "bucketCounts[0]")]
    public void An_inexact_int64_is_named_by_its_path_in_repeated_fields(string json, string field)
    {
        using var document = JsonDocument.Parse(json);

        var error = Assert.Throws<ServiceException>(() => JsonInt64.EnsureExact(document.RootElement, Distribution.Descriptor));

        Assert.Equal(field, error.Error.Field);
        Assert.Equal($"{field}: 9007199254740993 is beyond what a JSON number carries exactly (2^53) and would become 9007199254740992; send 64-bit integers as strings: \"9007199254740993\"", error.Message);
    }

    [Theory]
    [InlineData("""{"values":{"STANDARD":9007199254740993}}""", Target.QuotaLimit, "values.STANDARD")]
    [InlineData("""{"limits":[{"name":"a"},{"maxLimit":9007199254740993}]}""", Target.Quota, "limits[1].maxLimit")]
    [InlineData("""{"metricRules":[{"metricCosts":{"m":-9007199254740993}}]}""", Target.Quota, "metricRules[0].metricCosts.m")]
    public void An_inexact_int64_is_named_by_its_path_in_maps_and_nested_messages(string json, Target message, string field)
    {
        using var document = JsonDocument.Parse(json);
        var descriptor = message == Target.Quota ? Quota.Descriptor : QuotaLimit.Descriptor;

        var error = Assert.Throws<ServiceException>(() => JsonInt64.EnsureExact(document.RootElement, descriptor));

        Assert.Equal(field, error.Error.Field);
    }

    [Theory]
    [InlineData("""{"values":{"STANDARD":"9007199254740993"},"maxLimit":9007199254740992,"name":"x"}""")]
    [InlineData("""{"values":[1],"defaultLimit":"12"}""")]
    [InlineData("""{"maxLimit":12.5}""")]
    [InlineData("""{"maxLimit":"not a number"}""")]
    public void Exact_strings_and_what_the_parser_refuses_itself_pass_through(string json)
    {
        using var document = JsonDocument.Parse(json);

        JsonInt64.EnsureExact(document.RootElement, QuotaLimit.Descriptor);
    }

    [Fact]
    public void Well_known_types_and_non_objects_keep_their_own_json_forms()
    {
        using var duration = JsonDocument.Parse("""{"seconds":9007199254740993}""");
        using var array = JsonDocument.Parse("[9007199254740993]");

        JsonInt64.EnsureExact(duration.RootElement, Duration.Descriptor);
        JsonInt64.EnsureExact(array.RootElement, Distribution.Descriptor);
    }

    [Theory]
    [InlineData("/api/v1/state/a/.", "a/", "a/")]
    [InlineData("/api/v1/state/a/%2E", "a/", "a/")]
    [InlineData("/../api/v1/state/a%252Fb", "a%2Fb", "a%2Fb")]
    [InlineData("/api/v1/state/x/../a%252Fb?q=1", "a%2Fb", "a%2Fb")]
    [InlineData("/api/v1/state/a%252Fb#frag", "a%2Fb", "a%2Fb")]
    [InlineData("http://localhost:8000", "routed", "routed")]
    [InlineData("*", "routed", "routed")]
    [InlineData("", "routed", "routed")]
    [InlineData("/api/v1/elsewhere/a%252Fb", "routed", "routed")]
    [InlineData("/api/v1", "routed", "routed")]
    public async Task A_target_that_does_not_fit_the_route_leaves_the_routed_key(string rawTarget, string routedKey, string key)
    {
        var request = (GetRequest)await Read(Get, null, rawTarget, routedKey);

        Assert.Equal(key, request.Key);
    }

    [Fact]
    public async Task A_path_base_is_skipped_before_matching()
    {
        var request = (GetRequest)await Read(Get, null, "/gateway/api/v1/state/a%252Fb", "a%2Fb", pathBase: "/gateway");

        Assert.Equal("a%2Fb", request.Key);
    }

    [Fact]
    public async Task A_route_with_a_path_variable_past_the_targets_end_leaves_the_routed_key()
    {
        var route = HttpRoute.Create(Get.Method, new HttpRule { Get = "/api/v1/state/{key}/tail" });

        var request = (GetRequest)await Read(route, null, "/api/v1/state/a%252Fb", "a%2Fb");

        Assert.Equal("a%2Fb", request.Key);
    }

    [Fact]
    public async Task A_catch_all_that_matched_nothing_leaves_the_field_empty()
    {
        var request = (GetRequest)await Read(Get, null, "/api/v1/state/", routedKey: null);

        Assert.Equal(string.Empty, request.Key);
    }

    private static Task<IMessage> Read(HttpRoute route, byte[]? body, string rawTarget, string? routedKey, string query = "", string? pathBase = null)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Request.QueryString = new QueryString(query);
        context.Request.Query = new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
        if (pathBase is not null)
        {
            context.Request.PathBase = pathBase;
        }

        if (routedKey is not null)
        {
            context.Request.RouteValues["key"] = routedKey;
        }

        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = "application/json";
        }

        return RequestReader.ReadAsync(route, context.Request, new GatewayOptions().MaxRequestBodyBytes, CancellationToken.None);
    }

    public enum Target
    {
        Quota,
        QuotaLimit,
    }
}

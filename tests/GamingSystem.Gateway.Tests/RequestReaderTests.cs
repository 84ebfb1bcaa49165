using System.Text;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.StateManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GamingSystem.Gateway.Tests;

public sealed class RequestReaderTests
{
    private static readonly HttpRoute Get = HttpRoute.For(ContractRegistry.StateManager).Single(r => r.Method.Name == "Get");
    private static readonly HttpRoute Put = HttpRoute.For(ContractRegistry.StateManager).Single(r => r.Method.Name == "Put");
    private static readonly HttpRoute Delete = HttpRoute.For(ContractRegistry.StateManager).Single(r => r.Method.Name == "Delete");
    private static readonly HttpRoute List = HttpRoute.For(ContractRegistry.StateManager).Single(r => r.Method.Name == "List");

    [Fact]
    public async Task Body_and_path_fill_the_request_with_the_path_winning()
    {
        var request = (PutRequest)await Read(Put, """{"key":"ignored","value":"aGk=","expectedVersion":"3","ttlSeconds":60}""", key: "room/1");

        Assert.Equal("room/1", request.Key);
        Assert.Equal("hi", request.Value.ToStringUtf8());
        Assert.True(request.HasExpectedVersion);
        Assert.Equal(3, request.ExpectedVersion);
        Assert.Equal(60, request.TtlSeconds);
    }

    [Theory]
    [InlineData("""{"value":"aGk=","expectedVersion":"abc"}""", "expectedVersion")]
    [InlineData("""{"value":"aGk=","ttlSeconds":true}""", "ttlSeconds")]
    [InlineData("""{"value":12}""", "value")]
    [InlineData("""{"value":"aGk=","colour":"red"}""", "colour")]
    [InlineData("""{"value":"aGk=",""", "body")]
    [InlineData("""[1,2]""", "body")]
    public async Task Bad_json_is_invalid_argument_naming_the_field(string body, string field)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(Put, body, key: "k"));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(field, error.Error.Field);
    }

    [Fact]
    public async Task A_patch_changes_the_fields_its_body_sends_and_no_others()
    {
        var patch = HttpRoute.For(ContractRegistry.Settings).Single(r => r.Method.Name == "Update");

        var update = (Contracts.Settings.V1.UpdateSettingsRequest)await Read(patch, "{\"masterVolume\":40,\"language\":\"de\",\"key_bindings\":{\"jump\":\"Space\"}}");
        var empty = (Contracts.Settings.V1.UpdateSettingsRequest)await Read(patch, "{}");

        Assert.Equal(["master_volume", "language", "key_bindings"], update.UpdateMask.Paths);
        Assert.Equal(40, update.Settings.MasterVolume);
        Assert.Empty(empty.UpdateMask.Paths);
    }

    [Fact]
    public async Task Query_parameters_fill_fields_by_json_or_proto_name()
    {
        var delete = (DeleteRequest)await Read(Delete, body: null, key: "k", query: "?expectedVersion=4");
        var list = (ListRequest)await Read(List, body: null, query: "?prefix=room&page_size=5");

        Assert.Equal(4, delete.ExpectedVersion);
        Assert.Equal("room", list.Prefix);
        Assert.Equal(5, list.PageSize);
    }

    [Theory]
    [InlineData("?pageSize=many", "pageSize")]
    [InlineData("?cursor=1", "cursor")]
    public async Task Bad_query_parameters_are_invalid_argument_naming_them(string query, string field)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(List, body: null, query: query));

        Assert.Equal(field, error.Error.Field);
    }

    [Fact]
    public async Task Query_parameters_fill_a_put_whose_body_is_the_whole_request()
    {
        var request = (PutRequest)await Read(Put, """{"value":"aGk="}""", key: "k", query: "?expectedVersion=7");

        Assert.True(request.HasExpectedVersion);
        Assert.Equal(7, request.ExpectedVersion);
        Assert.Equal("hi", request.Value.ToStringUtf8());
    }

    [Theory]
    [InlineData("?bogus=1", "bogus", "not a parameter")]
    [InlineData("?key=other", "key", "path")]
    [InlineData("?expectedVersion=4", "expectedVersion", "both in the body and in the query string")]
    public async Task Put_query_parameters_that_cannot_be_used_are_invalid_argument_naming_them(string query, string field, string reason)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(Put, """{"value":"aGk=","expectedVersion":"3"}""", key: "k", query: query));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(field, error.Error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("/api/v1/state/a/b", "a/b", "a/b")]
    [InlineData("/api/v1/state/a%2Fb", "a%2Fb", "a/b")]
    [InlineData("/api/v1/state/a%252Fb", "a%2Fb", "a%2Fb")]
    [InlineData("/api/v1/state/a%25b", "a%b", "a%b")]
    [InlineData("/api/v1/state/caf%C3%A9%20%2B%201", "café + 1", "café + 1")]
    [InlineData("/API/v1/State/x/%2E%2E/a%252Fb", "a%2Fb", "a%2Fb")]
    [InlineData("http://localhost:8000/api/v1/state/a%252Fb", "a%2Fb", "a%2Fb")]
    public async Task A_key_is_decoded_from_the_path_as_sent_so_an_escaped_percent_stays_literal(string rawPath, string routedKey, string key)
    {
        var request = (GetRequest)await ReadAsSent(Get, body: null, rawPath, routedKey);

        Assert.Equal(key, request.Key);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_invalid_argument_naming_the_body()
    {
        byte[] body = [.. "{\"value\":\"aGk=\",\"key\":\"caf"u8, 0xC3, 0x28, .. "\"}"u8];

        var error = await Assert.ThrowsAsync<ServiceException>(() => ReadAsSent(Put, body, "/api/v1/state/k", "k"));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("body", error.Error.Field);
        Assert.Contains("not UTF-8", error.Message);
    }

    [Fact]
    public async Task A_utf8_body_with_a_byte_order_mark_is_read()
    {
        var request = (PutRequest)await ReadAsSent(Put, [.. Encoding.UTF8.Preamble, .. "{\"value\":\"aGk=\"}"u8], "/api/v1/state/k", "k");

        Assert.Equal("hi", request.Value.ToStringUtf8());
    }

    [Theory]
    [InlineData("9007199254740993")]
    [InlineData("-9007199254740993")]
    [InlineData("9223372036854775807")]
    [InlineData("9.007199254740993e15")]
    public async Task An_int64_number_a_double_cannot_hold_is_invalid_argument_naming_the_field(string number)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Read(Put, $$"""{"value":"aGk=","expectedVersion":{{number}}}""", key: "k"));

        Assert.Equal("expectedVersion", error.Error.Field);
        Assert.Contains("as strings", error.Message);
    }

    [Theory]
    [InlineData("\"9007199254740993\"", 9007199254740993)]
    [InlineData("\"9223372036854775807\"", long.MaxValue)]
    [InlineData("9007199254740992", 9007199254740992)]
    [InlineData("4611686018427387904", 4611686018427387904)]
    [InlineData("12", 12)]
    public async Task An_int64_as_a_string_or_an_exact_number_is_read_exactly(string json, long expected)
    {
        var request = (PutRequest)await Read(Put, $$"""{"value":"aGk=","expectedVersion":{{json}}}""", key: "k");

        Assert.Equal(expected, request.ExpectedVersion);
    }

    [Fact]
    public async Task A_put_of_the_largest_state_value_fits_the_default_body_limit()
    {
        var value = new byte[1024 * 1024];
        new Random(7).NextBytes(value);
        // System.Text.Json's default encoder escapes '+' in base64 as \u002B, as many clients' writers do.
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["value"] = Convert.ToBase64String(value), ["expectedVersion"] = "12", ["ttlSeconds"] = 60 }.ToJsonString());

        var request = (PutRequest)await ReadAsSent(Put, body, "/api/v1/state/k", "k");

        Assert.InRange(body.Length, 4 * value.Length / 3, new GatewayOptions().MaxRequestBodyBytes);
        Assert.Equal(value, request.Value.ToByteArray());
    }

    private static Task<IMessage> Read(HttpRoute route, string? body, string? key = null, string query = "") =>
        ReadAsSent(route, body is null ? null : Encoding.UTF8.GetBytes(body), key is null ? "/api/v1/state" : $"/api/v1/state/{key}", key, query);

    /// <summary>A request as Kestrel and routing hand it over: the target as sent, the key as routing decoded it.</summary>
    private static Task<IMessage> ReadAsSent(HttpRoute route, byte[]? body, string rawPath, string? routedKey, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawPath + query;
        context.Request.QueryString = new QueryString(query);
        context.Request.Query = new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
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
}

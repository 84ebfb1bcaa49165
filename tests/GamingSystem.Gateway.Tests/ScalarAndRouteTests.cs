using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Gateway.Tests;

/// <summary>
/// Path and query text of every scalar kind a contract may use, and routes from every shape of
/// <c>google.api.http</c> annotation. Today's contracts use strings and int64 only, so generated messages of
/// Google.Protobuf stand in for the kinds a future contract will bring.
/// </summary>
public sealed class ScalarAndRouteTests
{
    private static readonly MethodDescriptor GetMethod = ContractRegistry.StateManager.FindMethodByName("Get");
    private static readonly MethodDescriptor PutMethod = ContractRegistry.StateManager.FindMethodByName("Put");

    [Theory]
    [InlineData("TYPE_INT64")]
    [InlineData("int64")]
    [InlineData("3")]
    public void An_enum_is_read_by_name_by_short_name_or_by_number(string text)
    {
        var message = new FieldDescriptorProto();

        RequestReader.SetScalar(message, FieldDescriptorProto.Descriptor.FindFieldByName("type"), text, "type");

        Assert.Equal(FieldDescriptorProto.Types.Type.Int64, message.Type);
    }

    [Fact]
    public void An_unknown_enum_value_is_invalid_argument_listing_the_values()
    {
        var error = Assert.Throws<ServiceException>(() =>
            RequestReader.SetScalar(new FieldDescriptorProto(), FieldDescriptorProto.Descriptor.FindFieldByName("label"), "often", "label"));

        Assert.Equal("label", error.Error.Field);
        Assert.Equal("label: expected one of LABEL_OPTIONAL, LABEL_REPEATED, LABEL_REQUIRED, got 'often'", error.Message);
    }

    [Fact]
    public void Scalars_of_every_kind_are_parsed_from_text()
    {
        Assert.True(Set(new BoolValue(), "true").Value);
        Assert.Equal(1.5, Set(new DoubleValue(), "1.5").Value);
        Assert.Equal(2.5f, Set(new FloatValue(), "2.5").Value);
        Assert.Equal(-7, Set(new Int32Value(), "-7").Value);
        Assert.Equal(long.MinValue, Set(new Int64Value(), "-9223372036854775808").Value);
        Assert.Equal(7u, Set(new UInt32Value(), "7").Value);
        Assert.Equal(ulong.MaxValue, Set(new UInt64Value(), "18446744073709551615").Value);
        Assert.Equal("hi", Set(new BytesValue(), "aGk").Value.ToStringUtf8());
        Assert.Equal([0xFB, 0xFF], Set(new BytesValue(), "-_8").Value.ToByteArray());
        Assert.Equal([0xFB, 0xFF], Set(new BytesValue(), "+/8=").Value.ToByteArray());
        Assert.Equal(string.Empty, Set(new StringValue(), string.Empty).Value);
    }

    [Theory]
    [InlineData(typeof(BoolValue), "yes", "expected true or false, got 'yes'")]
    [InlineData(typeof(DoubleValue), "one", "expected a number, got 'one'")]
    [InlineData(typeof(FloatValue), "two", "expected a number, got 'two'")]
    [InlineData(typeof(Int32Value), "3.5", "expected an integer, got '3.5'")]
    [InlineData(typeof(UInt32Value), "-1", "expected an integer, got '-1'")]
    [InlineData(typeof(UInt64Value), "+1", "expected an integer (number or decimal string), got '+1'")]
    [InlineData(typeof(Int64Value), "1e3", "expected an integer (number or decimal string), got '1e3'")]
    [InlineData(typeof(BytesValue), "a!b", "expected base64 text, got 'a!b'")]
    public void Text_that_is_not_of_the_fields_kind_is_invalid_argument_saying_what_was_expected(System.Type type, string text, string reason)
    {
        var message = (IMessage)Activator.CreateInstance(type)!;

        var error = Assert.Throws<ServiceException>(() => RequestReader.SetScalar(message, message.Descriptor.FindFieldByName("value"), text, "v"));

        Assert.Equal("v", error.Error.Field);
        Assert.Equal($"v: {reason}", error.Message);
    }

    [Theory]
    [InlineData("options")]
    [InlineData("reserved_range")]
    public void A_message_or_repeated_field_cannot_come_from_the_path_or_query(string field)
    {
        var message = new DescriptorProto();

        var error = Assert.Throws<ServiceException>(() => RequestReader.SetScalar(message, DescriptorProto.Descriptor.FindFieldByName(field), "x", field));

        Assert.Equal($"{field}: cannot be given in the path or query string; send it in a JSON body", error.Message);
    }

    [Fact]
    public void A_map_field_cannot_come_from_the_path_or_query()
    {
        var error = Assert.Throws<ServiceException>(() => RequestReader.SetScalar(new QuotaLimit(), QuotaLimit.Descriptor.FindFieldByName("values"), "1", "values"));

        Assert.Contains("send it in a JSON body", error.Message);
    }

    [Theory]
    [InlineData(HttpRule.PatternOneofCase.Get, "GET")]
    [InlineData(HttpRule.PatternOneofCase.Post, "POST")]
    [InlineData(HttpRule.PatternOneofCase.Put, "PUT")]
    [InlineData(HttpRule.PatternOneofCase.Delete, "DELETE")]
    [InlineData(HttpRule.PatternOneofCase.Patch, "PATCH")]
    public void Each_verb_of_an_annotation_becomes_its_http_method(HttpRule.PatternOneofCase verb, string expected)
    {
        var rule = new HttpRule();
        const string path = "/api/v1/things/{key}";
        switch (verb)
        {
            case HttpRule.PatternOneofCase.Get: rule.Get = path; break;
            case HttpRule.PatternOneofCase.Post: rule.Post = path; break;
            case HttpRule.PatternOneofCase.Put: rule.Put = path; break;
            case HttpRule.PatternOneofCase.Delete: rule.Delete = path; break;
            default: rule.Patch = path; break;
        }

        var route = HttpRoute.Create(GetMethod, rule);

        Assert.Equal(expected, route.Verb);
        // A plain variable matches one segment; only {name=**} becomes a catch-all.
        Assert.Equal("/api/v1/things/{key}", route.Pattern);
        Assert.Equal("key", Assert.Single(route.PathFields).Name);
        Assert.Equal(string.Empty, route.Body);
    }

    [Fact]
    public void A_custom_verb_is_upper_cased_and_a_body_field_is_kept()
    {
        var route = HttpRoute.Create(PutMethod, new HttpRule { Custom = new CustomHttpPattern { Kind = "search", Path = "/s/{key=**}" }, Body = "value" });

        Assert.Equal("SEARCH", route.Verb);
        Assert.Equal("/s/{**key}", route.Pattern);
        Assert.Equal("value", route.Body);
    }

    [Theory]
    [InlineData("""{ "post": "/x", "body": "colour" }""", "body field 'colour' is not a field of PutRequest")]
    [InlineData("""{ "post": "/x/{colour}" }""", "path variable 'colour' is not a field of PutRequest")]
    [InlineData("""{ "body": "*" }""", "google.api.http has no pattern")]
    public void An_annotation_that_does_not_fit_the_method_fails_at_start_up_naming_it(string json, string reason)
    {
        var rule = HttpRule.Parser.ParseJson(json);

        var error = Assert.Throws<InvalidOperationException>(() => HttpRoute.Create(PutMethod, rule));

        Assert.Equal($"gaming.state_manager.v1.StateManager.Put: {reason}.", error.Message);
    }

    private static T Set<T>(T message, string text)
        where T : IMessage
    {
        RequestReader.SetScalar(message, message.Descriptor.FindFieldByName("value"), text, "value");
        return message;
    }
}

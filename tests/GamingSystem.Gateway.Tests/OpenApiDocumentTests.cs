using System.Text.Json.Nodes;
using GamingSystem.Contracts;

namespace GamingSystem.Gateway.Tests;

public sealed class OpenApiDocumentTests
{
    private static readonly JsonObject Document = JsonNode.Parse(OpenApiDocument.Build(ContractRegistry.Services))!.AsObject();

    [Fact]
    public void Every_route_is_an_operation_and_no_other_is()
    {
        var routes = ContractRegistry.Services.SelectMany(HttpRoute.For)
            .Select(r => $"{r.Verb.ToLowerInvariant()} {r.Pattern.Replace("{**", "{", StringComparison.Ordinal)}").Order();
        var operations = Document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key} {path.Key}")).Order();

        Assert.Equal(routes, operations);
    }

    [Fact]
    public void Parameters_bodies_and_schemas_follow_the_proto3_json_mapping()
    {
        var delete = Document["paths"]!["/api/v1/state/{key}"]!["delete"]!;
        var parameters = delete["parameters"]!.AsArray().Select(p => $"{p!["in"]}:{p["name"]}");
        var put = Document["components"]!["schemas"]!["gaming.state_manager.v1.PutRequest"]!["properties"]!;

        Assert.Equal(["path:key", "query:expectedVersion"], parameters);
        Assert.Equal("#/components/schemas/gaming.state_manager.v1.PutRequest", Document["paths"]!["/api/v1/state/{key}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("base64", put["value"]!["contentEncoding"]!.GetValue<string>());
        Assert.Equal("int64", put["expectedVersion"]!["format"]!.GetValue<string>());
        Assert.Equal("date-time", Document["components"]!["schemas"]!["gaming.auth.v1.LoginResponse"]!["properties"]!["expiresAt"]!["format"]!.GetValue<string>());
        Assert.Contains("GRAPHICS_PRESET_HIGH", Document["components"]!["schemas"]!["gaming.settings.v1.PlayerSettings"]!["properties"]!["graphicsPreset"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void Player_and_admin_operations_ask_for_a_bearer_token_and_public_ones_do_not()
    {
        Assert.Null(Document["paths"]!["/api/v1/auth/login"]!["post"]!["security"]);
        Assert.NotNull(Document["paths"]!["/api/v1/settings/me"]!["patch"]!["security"]);
        Assert.Contains("admin", Document["paths"]!["/api/v1/time/scale"]!["put"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_contracts_comments_are_the_descriptions_of_operations_schemas_fields_and_parameters()
    {
        var schemas = Document["components"]!["schemas"]!;

        Assert.StartsWith("From the caller's wallet to another player's, in the same currency.", Document["paths"]!["/api/v1/wallet/transfers"]!["post"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("Needs a player's session.", Document["paths"]!["/api/v1/wallet/transfers"]!["post"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Minor units (e.g. 150 = 1.50); never negative.", schemas["gaming.payment.v1.Wallet"]!["properties"]!["balance"]!["description"]!.GetValue<string>());
        // A comment over several lines becomes one line.
        Assert.StartsWith("3-8 capital letters, e.g. \"GLD\". Fixed for the wallet's life:", schemas["gaming.payment.v1.OpenWalletRequest"]!["properties"]!["currency"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("One ledger entry of one wallet;", schemas["gaming.payment.v1.Transaction"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var resume = Document["paths"]!["/api/v1/events/stream"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "lastEventId");
        Assert.Contains("Last-Event-ID", resume!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        // A field without a comment has no description rather than an empty one.
        Assert.Null(schemas["gaming.payment.v1.Wallet"]!["properties"]!["openedAt"]!["description"]);
    }

    [Fact]
    public void Every_reference_leads_to_a_schema()
    {
        var schemas = Document["components"]!["schemas"]!.AsObject();
        var references = Descendants(Document).OfType<JsonObject>().Where(o => o.ContainsKey("$ref")).Select(o => o["$ref"]!.GetValue<string>()).Distinct().ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(schemas.ContainsKey(r["#/components/schemas/".Length..]), $"{r} has no schema"));
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        _ => [node],
    };
}

using System.Text.Json.Nodes;
using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace GamingSystem.Gateway;

/// <summary>
/// The OpenAPI 3.1 document of the gateway, built from the same descriptors as its routes, so it cannot drift from
/// them: every route with its path and query parameters, its body, its reply, who may call it, and a JSON schema
/// per message in the proto3 JSON mapping (int64 as decimal strings, bytes as base64, enums by name, Timestamp as
/// RFC 3339). Built once at start-up.
/// </summary>
internal static class OpenApiDocument
{
    public const string Path = "/openapi/v1.json";
    private const string ProblemSchema = "Problem";

    public static string Build(IEnumerable<ServiceDescriptor> services)
    {
        var schemas = new JsonObject { [ProblemSchema] = Problem() };
        var paths = new JsonObject();
        foreach (var route in services.SelectMany(HttpRoute.For))
        {
            var openApiPath = route.Pattern.Replace("{**", "{", StringComparison.Ordinal);
            if (paths[openApiPath] is not JsonObject item)
            {
                paths[openApiPath] = item = new JsonObject();
            }

            item[route.Verb.ToLowerInvariant()] = Operation(route, schemas);
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = "GamingSystem gateway", ["version"] = "v1" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "The token from POST /api/v1/auth/login." },
                },
            },
        };
        return document.ToJsonString();
    }

    private static JsonObject Operation(HttpRoute route, JsonObject schemas)
    {
        var method = route.Method;
        var access = ContractRegistry.AccessOf(method);
        var operation = new JsonObject
        {
            ["operationId"] = method.FullName,
            ["tags"] = new JsonArray(ContractRegistry.ResourceName(method.Service)),
            ["summary"] = $"{method.Service.Name}.{method.Name} (NATS {ServiceSubjects.For(method)})",
            ["parameters"] = Parameters(route, schemas),
            ["responses"] = new JsonObject
            {
                ["200"] = method.IsServerStreaming ? Events(Reference(method.OutputType, schemas), method.OutputType) : Content(Reference(method.OutputType, schemas)),
                ["default"] = new JsonObject
                {
                    ["description"] = "An error: problem+json with code, detail and, for bad input, field.",
                    ["content"] = new JsonObject { [Problems.ContentType] = new JsonObject { ["schema"] = Ref(ProblemSchema) } },
                },
            },
        };
        var comment = ContractComments.Of(method);
        if (access != Access.Public)
        {
            operation["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
            var needs = access == Access.Admin ? "Needs a session with the admin role." : "Needs a player's session.";
            operation["description"] = comment is null ? needs : $"{comment} {needs}";
        }
        else if (comment is not null)
        {
            operation["description"] = comment;
        }

        if (route.Body.Length > 0)
        {
            var bodyType = route.Body == "*" ? method.InputType : method.InputType.FindFieldByName(route.Body).MessageType;
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(bodyType, schemas) } },
            };
        }

        return operation;
    }

    private static JsonArray Parameters(HttpRoute route, JsonObject schemas)
    {
        var parameters = new JsonArray();
        foreach (var field in route.PathFields)
        {
            parameters.Add(Described(new JsonObject { ["name"] = field.Name, ["in"] = "path", ["required"] = true, ["schema"] = FieldSchema(field, schemas) }, field));
        }

        // A body of "*" carries every field; otherwise the scalar fields outside path and body are query parameters.
        if (route.Body != "*")
        {
            foreach (var field in route.Method.InputType.Fields.InDeclarationOrder()
                .Where(f => !route.PathFields.Contains(f) && f.Name != route.Body && !f.IsRepeated && !f.IsMap && f.FieldType != FieldType.Message
                    && !Authentication.IsSessionToken(f)))
            {
                parameters.Add(Described(new JsonObject { ["name"] = field.JsonName, ["in"] = "query", ["required"] = false, ["schema"] = FieldSchema(field, schemas) }, field));
            }
        }

        return parameters;
    }

    private static JsonObject Content(JsonNode schema) => new()
    {
        ["description"] = "OK",
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    /// <summary>A server-streaming method's response: Server-Sent Events, each <c>message</c> event's data one message in JSON.</summary>
    private static JsonObject Events(JsonNode schema, MessageDescriptor message) => new()
    {
        ["description"] = $"Server-Sent Events: a 'message' event per {message.Name} (its data the JSON below, its id the index), "
            + "then an 'end' event; or an 'error' event whose data is a problem, if the stream fails part-way.",
        ["content"] = new JsonObject { ["text/event-stream"] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonObject Reference(MessageDescriptor message, JsonObject schemas)
    {
        if (WellKnown(message) is { } wellKnown)
        {
            return wellKnown;
        }

        if (!schemas.ContainsKey(message.FullName))
        {
            var properties = new JsonObject();
            schemas[message.FullName] = Described(new JsonObject { ["type"] = "object", ["properties"] = properties }, message);
            foreach (var field in message.Fields.InDeclarationOrder())
            {
                properties[field.JsonName] = Described(FieldSchema(field, schemas), field);
            }
        }

        return Ref(message.FullName);
    }

    /// <summary>The comment the contract has above this element, as the schema's description (a $ref keeps its own beside it, as 3.1 allows).</summary>
    private static JsonObject Described(JsonObject schema, IDescriptor element)
    {
        if (ContractComments.Of(element) is { } comment)
        {
            schema["description"] = comment;
        }

        return schema;
    }

    private static JsonObject FieldSchema(FieldDescriptor field, JsonObject schemas)
    {
        if (field.IsMap)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = FieldSchema(field.MessageType.FindFieldByNumber(2), schemas) };
        }

        var single = field.FieldType switch
        {
            FieldType.Message => Reference(field.MessageType, schemas),
            FieldType.Enum => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. field.EnumType.Values.Select(v => (JsonNode)v.Name)]) },
            FieldType.Bool => new JsonObject { ["type"] = "boolean" },
            FieldType.String => new JsonObject { ["type"] = "string" },
            FieldType.Bytes => new JsonObject { ["type"] = "string", ["contentEncoding"] = "base64" },
            FieldType.Double or FieldType.Float => new JsonObject { ["type"] = "number" },
            // proto3 JSON writes 64-bit integers as strings (JavaScript numbers cannot hold them); either is accepted.
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 =>
                new JsonObject { ["type"] = new JsonArray("string", "integer"), ["format"] = "int64" },
            _ => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        };
        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = single } : single;
    }

    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["description"] = "seconds with an 's' suffix, e.g. \"1.5s\"" },
        "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string", ["description"] = "comma-separated field paths" },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Value" => new JsonObject(),
        _ => null,
    };

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static JsonObject Problem() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
            ["instance"] = new JsonObject { ["type"] = "string" },
            ["code"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. Enum.GetValues<ErrorCode>().Where(c => c != ErrorCode.Unspecified).Select(c => (JsonNode)ErrorCodes.ToName(c))]) },
            ["field"] = new JsonObject { ["type"] = "string" },
            ["details"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
        },
    };
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GamingSystem.Contracts;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// Thousands of malformed requests, generated from the gateway's own OpenAPI document so that every route gets them
/// and new routes get them too: broken JSON, wrong types, huge numbers, deep nesting, invalid UTF-8, oversize bodies,
/// bad base64, unknown enum names, path traversal and control characters in path values, missing and forged tokens.
/// Every one must get a 4xx problem+json, none a 5xx or a hang, and the system must stay healthy.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class HostileInputTests(SystemFixture system)
{
    private const int MinimumCases = 2000;
    private const int Concurrency = 16;
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Thousands_of_malformed_requests_all_get_a_4xx_problem_and_the_system_stays_healthy()
    {
        var (token, _) = await new StateApi(system.Gateway).NewPlayerAsync();
        var document = JsonNode.Parse(await system.Gateway.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var cases = Generate(document, token).ToList();
        Assert.True(cases.Count >= MinimumCases, $"only {cases.Count} cases");

        var failures = new List<string>();
        var counts = new Dictionary<int, int>();
        using var gate = new SemaphoreSlim(Concurrency);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(cases.Select(async hostile =>
        {
            await gate.WaitAsync();
            try
            {
                var verdict = await SendAsync(hostile);
                lock (failures)
                {
                    counts[verdict.Status] = counts.GetValueOrDefault(verdict.Status) + 1;
                    if (verdict.Problem is not null)
                    {
                        failures.Add($"{hostile.Kind}: {hostile.Method} {Shorten(hostile.Path)} -> {verdict.Problem}");
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} requests were not answered with a 4xx problem:\n{string.Join('\n', failures.Take(30))}");
        Assert.All(counts.Keys, status => Assert.InRange(status, 400, 499));

        // Afterwards the system is as healthy as before and serves a well-formed request.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var resource in system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>())
        {
            await system.WaitHealthyAsync(resource.Name, timeout.Token);
        }

        var api = new StateApi(system.Gateway);
        var key = $"test/after-hostile/{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsync(key, "still fine")).Status);
        Assert.Equal("still fine", StateApi.Value((await api.GetAsync(key)).Body));
    }

    [Fact]
    public async Task Every_route_of_the_openapi_document_answers_a_well_formed_request_and_none_with_a_500()
    {
        var (token, _) = await new StateApi(system.Gateway).NewPlayerAsync();
        var document = JsonNode.Parse(await system.Gateway.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var answers = new List<string>();
        var running = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Select(p => p.Name).ToHashSet();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (verb, operation) in item!.AsObject())
            {
                var path = Fill(template, operation!["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "path")
                    .ToDictionary(p => p!["name"]!.GetValue<string>(), _ => "x1"));
                using var request = new HttpRequestMessage(new HttpMethod(verb.ToUpperInvariant()), path);
                request.Headers.Authorization = new("Bearer", token);
                if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema)
                {
                    request.Content = new StringContent(Sample(Resolve(schema, schemas), schemas).ToJsonString(), Encoding.UTF8, "application/json");
                }

                // A stream is judged by its opening; the feed would otherwise stay open.
                using var response = await system.Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                var detail = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]?.GetValue<string>() ?? ""
                    : "";
                answers.Add($"{verb.ToUpperInvariant()} {template} -> {status} {detail}");
                // 503 only from a service this system does not run yet (its contract is there, its project not).
                var service = operation["tags"]![0]!.GetValue<string>();
                Assert.False(status >= 500 && !(status == 503 && !running.Contains(service)), answers[^1]);
                Assert.False(status is 404 or 405 && (detail.StartsWith("no route", StringComparison.Ordinal) || status == 405), answers[^1]);
            }
        }

        Assert.True(answers.Count >= 50, $"only {answers.Count} routes");
    }

    [Fact]
    public async Task A_nul_in_the_path_is_refused_by_the_http_server_itself_and_harms_nothing()
    {
        // Kestrel's parser refuses it before any application code runs, so this 400 has no problem body.
        using var response = await system.Gateway.GetAsync("/api/v1/state/a%00b");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Gateway.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_session_token_in_the_url_or_a_body_is_refused_not_ignored()
    {
        var api = new StateApi(system.Gateway);
        var (token, _) = await api.NewPlayerAsync();

        var (query, inQuery) = await api.SendAsync(HttpMethod.Get, $"/api/v1/auth/session?token={token}", token: token);
        var (body, inBody) = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", $$"""{"token":"{{token}}"}""", token: token);

        Assert.Equal((HttpStatusCode.BadRequest, "token"), (query, inQuery["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "token"), (body, inBody["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Get, "/api/v1/auth/session", token: token)).Status);
    }

    private sealed record Hostile(string Kind, HttpMethod Method, string Path, byte[]? Body, string? ContentType, string? Authorization);

    private sealed record Verdict(int Status, string? Problem);

    private async Task<Verdict> SendAsync(Hostile hostile)
    {
        using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
        if (hostile.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", hostile.Authorization);
        }

        if (hostile.Body is not null)
        {
            request.Content = new ByteArrayContent(hostile.Body);
            if (hostile.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(hostile.ContentType);
            }
        }

        using var deadline = new CancellationTokenSource(NoHang);
        try
        {
            using var response = await system.Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (status is < 400 or > 499)
            {
                return new(status, $"{status} {Shorten(text)}");
            }

            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                return new(status, $"{status} with content type {response.Content.Headers.ContentType?.MediaType ?? "none"}");
            }

            var problem = JsonNode.Parse(text)!;
            return problem["status"]?.GetValue<int>() == status && problem["code"] is not null && problem["title"] is not null
                ? new(status, null)
                : new(status, $"{status} problem without status/code/title: {Shorten(text)}");
        }
        catch (OperationCanceledException)
        {
            return new(0, $"no answer within {NoHang}");
        }
        catch (HttpRequestException ex)
        {
            return new(0, $"connection failed: {ex.Message}");
        }
    }

    /// <summary>The cases, in a fixed order: every route gets every kind that applies to it.</summary>
    private static IEnumerable<Hostile> Generate(JsonObject document, string token)
    {
        var bearer = $"Bearer {token}";
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (verb, operationNode) in item!.AsObject())
            {
                var operation = operationNode!.AsObject();
                var method = new HttpMethod(verb.ToUpperInvariant());
                var pathParameters = operation["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList();
                var path = Fill(template, pathParameters.ToDictionary(p => p, _ => "x1"));
                var secured = operation["security"] is not null;
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } bodySchema ? Resolve(bodySchema, schemas) : null;
                var sampleBody = body is null ? null : Sample(body, schemas).ToJsonString();

                if (secured)
                {
                    foreach (var authorization in new string?[] { null, "Bearer", "Bearer ", "Bearer forged-token", "Basic dXNlcjpwYXNz", $"Bearer {new string('A', 8000)}", bearer + "x", "bearer" + token[..^1] })
                    {
                        yield return new("token", method, path, sampleBody is null ? null : Encoding.UTF8.GetBytes(sampleBody), sampleBody is null ? null : "application/json", authorization);
                    }
                }

                foreach (var parameter in pathParameters)
                {
                    foreach (var value in new[] { "..", "%2e%2e", "a%2F%2E%2E%2Fb", "..%2F..%2Fetc%2Fpasswd", "a%0Ab", "%FF%FE", new string('k', 5000), "%C0%AE%C0%AE" })
                    {
                        var values = pathParameters.ToDictionary(p => p, _ => "x1");
                        values[parameter] = value;
                        yield return new("path", method, Fill(template, values), sampleBody is null ? null : Encoding.UTF8.GetBytes(sampleBody), sampleBody is null ? null : "application/json", bearer);
                    }
                }

                foreach (var query in operation["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query"))
                {
                    var schema = query!["schema"]!;
                    // In a query everything is text: a plain string parameter has no wrong type, only the others do.
                    if (Resolve(schema, schemas) is { } plain && plain["type"]?.ToJsonString() == "\"string\"" && plain["enum"] is null && plain["contentEncoding"] is null && plain["format"] is null)
                    {
                        continue;
                    }

                    foreach (var value in WrongValues(schema, schemas).Select(v => v.ToJsonString().Trim('"')))
                    {
                        yield return new("query", method, $"{path}?{query["name"]}={Uri.EscapeDataString(value)}", sampleBody is null ? null : Encoding.UTF8.GetBytes(sampleBody), sampleBody is null ? null : "application/json", bearer);
                    }
                }

                if (sampleBody is null)
                {
                    continue;
                }

                // Broken JSON: the sample cut short at every point, and a few classics.
                for (var length = 1; length < sampleBody.Length; length++)
                {
                    yield return Json("truncated JSON", sampleBody[..length]);
                }

                foreach (var broken in new[] { "{,}", "{\"a\":1,}", "{'single':'quotes'}", "{\"a\" 1}", "[", "]", "nul", "NaN", "{\"a\":01}", "{\"a\":\"unterminated}", "\"just a string\"", "42", "[1,2,3]", "{}{}", "{\"\\uZZZZ\":1}", "\uFEFF\uFEFF{}" })
                {
                    yield return Json("broken JSON", broken);
                }

                yield return Json("unknown field", "{\"surelyNotAField\":1}");
                yield return Json("deep nesting", new string('[', 10_000) + new string(']', 10_000));
                yield return Json("deep nesting", string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000));
                yield return new("oversize body", method, path, Encoding.UTF8.GetBytes("{\"x\":\"" + new string('x', 3 * 1024 * 1024) + "\"}"), "application/json", bearer);
                yield return new("content type", method, path, Encoding.UTF8.GetBytes(sampleBody), "text/plain", bearer);
                yield return new("content type", method, path, Encoding.UTF8.GetBytes(sampleBody), "application/xml", bearer);

                foreach (var (name, property) in body!["properties"]?.AsObject() ?? [])
                {
                    foreach (var wrong in WrongValues(property!, schemas))
                    {
                        var mutated = JsonNode.Parse(sampleBody)!.AsObject();
                        mutated[name] = wrong.DeepClone();
                        yield return Json($"wrong value for {name}", mutated.ToJsonString());
                    }

                    // Invalid UTF-8 inside the field's value.
                    var prefix = Encoding.UTF8.GetBytes($"{{\"{name}\":\"");
                    yield return new("invalid UTF-8", method, path, [.. prefix, 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}'], "application/json", bearer);
                }

                Hostile Json(string kind, string text) => new(kind, method, path, Encoding.UTF8.GetBytes(text), "application/json", bearer);
            }
        }
    }

    /// <summary>Values that no field of this schema accepts.</summary>
    private static IEnumerable<JsonNode> WrongValues(JsonNode schema, JsonObject schemas)
    {
        var resolved = Resolve(schema, schemas);
        var type = resolved["type"];
        var types = type is JsonArray array ? array.Select(t => t!.GetValue<string>()).ToList() : type is null ? [] : [type.GetValue<string>()];
        if (resolved["enum"] is not null)
        {
            yield return JsonValue.Create("NOT_A_VALUE_OF_THIS_ENUM")!;
            yield return new JsonArray();
        }
        else if (types.Contains("integer"))
        {
            foreach (var text in new[] { "1e400", "99999999999999999999999999", "-9223372036854775809", "1.5", "\"twelve\"", "true", "{}", "[]" })
            {
                yield return JsonNode.Parse(text)!;
            }
        }
        else if (types.Contains("number"))
        {
            yield return JsonValue.Create("a lot")!;
            yield return JsonNode.Parse("1e400")!;
            yield return new JsonObject();
        }
        else if (types.Contains("boolean"))
        {
            yield return JsonValue.Create("maybe")!;
            yield return JsonValue.Create(2)!;
        }
        else if (types.Contains("string"))
        {
            if (resolved["contentEncoding"] is not null)
            {
                yield return JsonValue.Create("!!not base64!!")!;
            }
            else if (resolved["format"]?.GetValue<string>() == "date-time")
            {
                yield return JsonValue.Create("yesterday")!;
            }

            yield return new JsonObject { ["not"] = "a string" };
            yield return new JsonArray(1, 2);
        }
        else if (types.Contains("array"))
        {
            yield return new JsonObject { ["not"] = "an array" };
        }
        else if (types.Contains("object"))
        {
            yield return JsonValue.Create("not an object")!;
            yield return new JsonArray(1, 2);
        }
    }

    /// <summary>A body with every property set to a plain value of its type (what the cases then break).</summary>
    private static JsonObject Sample(JsonObject schema, JsonObject schemas)
    {
        var sample = new JsonObject();
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            var resolved = Resolve(property!, schemas);
            var type = resolved["type"] is JsonArray array ? array[0]!.GetValue<string>() : resolved["type"]?.GetValue<string>();
            sample[name] = resolved["enum"] is JsonArray values ? values[^1]!.DeepClone() : type switch
            {
                "integer" or "number" => 7,
                "boolean" => true,
                "array" => new JsonArray(),
                "object" => new JsonObject(),
                _ => resolved["contentEncoding"] is not null ? "aGVsbG8=" : resolved["format"]?.GetValue<string>() == "date-time" ? "2026-01-01T00:00:00Z" : "sample",
            };
        }

        return sample;
    }

    private static JsonObject Resolve(JsonNode schema, JsonObject schemas) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? schemas[reference.Split('/')[^1]]!.AsObject()
            : schema.AsObject();

    private static string Fill(string template, Dictionary<string, string> values)
    {
        foreach (var (name, value) in values)
        {
            template = template.Replace($"{{{name}}}", value, StringComparison.Ordinal);
        }

        return template;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}

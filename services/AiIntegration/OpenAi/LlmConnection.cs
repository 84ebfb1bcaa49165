using System.Data.Common;

namespace GamingSystem.AiIntegration.OpenAi;

/// <summary>
/// <c>ConnectionStrings:llm</c>: <c>Endpoint=http://localhost:11434/v1;Key=...;Model=llama3.2</c>. The endpoint is the
/// base URL that <c>/chat/completions</c> is appended to; the key is optional (a local Ollama or vLLM needs none).
/// <see cref="ToString"/> never shows the key, and no error message quotes the connection string.
/// </summary>
public sealed class LlmConnection
{
    /// <summary>The connection string's name, and the Aspire resource's.</summary>
    public const string Name = Contracts.ResourceNames.Llm;

    private LlmConnection(Uri endpoint, string? key, string model)
    {
        Endpoint = endpoint;
        Key = key;
        Model = model;
    }

    public Uri Endpoint { get; }

    public string? Key { get; }

    public string Model { get; }

    /// <exception cref="FormatException">naming the part that is missing or wrong, never quoting the string (it holds the key).</exception>
    public static LlmConnection Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder();
        try
        {
            parts.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw new FormatException($"ConnectionStrings:{Name} is not of the form Endpoint=...;Key=...;Model=...");
        }

        var endpoint = Part(parts, "Endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"ConnectionStrings:{Name} needs Endpoint=, an absolute http or https URL (e.g. http://localhost:11434/v1)");
        }

        var model = Part(parts, "Model");
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new FormatException($"ConnectionStrings:{Name} needs Model=, the model id the endpoint serves (e.g. llama3.2)");
        }

        var key = Part(parts, "Key");
        return new LlmConnection(uri, string.IsNullOrEmpty(key) ? null : key, model.Trim());
    }

    public override string ToString() => $"Endpoint={Endpoint};Model={Model}{(Key is null ? "" : ";Key=***")}";

    private static string? Part(DbConnectionStringBuilder parts, string name) => parts.TryGetValue(name, out var value) ? value?.ToString() : null;
}

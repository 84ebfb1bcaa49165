namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>
/// A value supplied from configuration (<c>Parameters:{name}</c>) or, when absent and a
/// <see cref="GeneratedDefault"/> is set, generated fresh for each run. Secrets are masked
/// wherever the value is shown, and become parameters in a published manifest.
/// </summary>
public sealed class ParameterResource(string name, bool secret, GeneratedParameterDefault? generatedDefault = null)
    : Resource(name), IValueProvider
{
    public bool Secret { get; } = secret;

    public GeneratedParameterDefault? GeneratedDefault { get; } = generatedDefault;

    public string ConfigurationKey => $"Parameters:{Name}";

    public string ValueExpression => $"{{{Name}.value}}";

    bool IValueProvider.IsSecret => Secret;

    public ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(resolver.GetParameterValue(this));
}

/// <summary>
/// How to generate a parameter's value: letters and digits only, so it is safe inside URIs
/// and config files without escaping.
/// </summary>
public sealed record GeneratedParameterDefault(int Length = 32, bool LowercaseOnly = false);

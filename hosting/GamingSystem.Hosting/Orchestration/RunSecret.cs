using GamingSystem.Hosting.ApplicationModel;

namespace GamingSystem.Hosting.Orchestration;

/// <summary>A secret that exists only for one run (such as the dashboard's OTLP key): masked, never published.</summary>
internal sealed class RunSecret(string name, string value) : IValueProvider
{
    public string ValueExpression => $"{{{name}.value}}";

    public bool IsSecret => true;

    public ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default) => ValueTask.FromResult(value);
}

using GamingSystem.AiIntegration.OpenAi;
using GamingSystem.Contracts.AiIntegration.V1;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.AiIntegration;

/// <summary>The configured providers, and which one serves a model id.</summary>
public sealed class ProviderCatalog(IEnumerable<AiProvider> providers)
{
    private readonly AiProvider[] _providers = [.. providers];

    public IReadOnlyList<AiProvider> Providers => _providers;

    /// <exception cref="ServiceException">NOT_FOUND naming <c>model</c> when no provider serves it.</exception>
    public AiProvider Resolve(string model) =>
        _providers.FirstOrDefault(p => p.Serves(model))
        ?? throw new ServiceException(
            ErrorCode.NotFound,
            $"model: no provider serves '{model}' (served here: {string.Join(", ", _providers.SelectMany(p => p.Models))})",
            "model");

    /// <summary>Every provider, configured or not: an unconfigured OpenAI-compatible one shows as unavailable with no models.</summary>
    public ListProvidersResponse List()
    {
        var response = new ListProvidersResponse();
        response.Providers.AddRange(_providers.Select(p => new Provider { Name = p.Name, Kind = p.Kind, Available = true, Models = { p.Models } }));
        if (!_providers.Any(p => p.Name == OpenAiProvider.Name))
        {
            response.Providers.Add(new Provider { Name = OpenAiProvider.Name, Kind = OpenAiProvider.Kind, Available = false });
        }

        return response;
    }
}

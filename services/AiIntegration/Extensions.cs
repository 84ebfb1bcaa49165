using GamingSystem.AiIntegration.Local;
using GamingSystem.AiIntegration.OpenAi;

namespace GamingSystem.AiIntegration;

public static class Extensions
{
    /// <summary>
    /// The providers: always the offline "local" one; the OpenAI-compatible one when <c>ConnectionStrings:llm</c> is set
    /// (a malformed one fails start-up, naming what is wrong but never quoting it).
    /// </summary>
    public static IHostApplicationBuilder AddAiProviders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(LocalProvider.Create());
        if (builder.Configuration.GetConnectionString(LlmConnection.Name) is { Length: > 0 } llm)
        {
            var connection = LlmConnection.Parse(llm);
            builder.Services.AddLlmHttpClient(builder.Configuration);
            builder.Services.AddSingleton(services => OpenAiProvider.Create(
                connection, services.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAiProvider.HttpClientName)));
        }

        builder.Services.AddSingleton<ProviderCatalog>();
        builder.Services.AddSingleton<GenerationEvents>();
        builder.Services.AddSingleton<Generator>();
        return builder;
    }
}

using GamingSystem.Contracts.LanguageSystem.V1;
using GamingSystem.LanguageSystem.Catalog;
using GamingSystem.LanguageSystem.Detection;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.LanguageSystem.Handlers;

/// <summary>The text's language by its character trigrams, with every offered locale's confidence, best first.</summary>
public sealed class DetectLanguageHandler(TrigramModel model) : IServiceHandler<DetectLanguageRequest, DetectLanguageResponse>
{
    public ValueTask<DetectLanguageResponse> HandleAsync(DetectLanguageRequest request, CallContext context)
    {
        var text = LanguageRules.Text(request.Text, "text", LanguageRules.MaxDetectLength);
        var scores = model.Detect(text);
        if (scores.Count == 0)
        {
            throw ServiceException.InvalidArgument("text", "has no letters to tell a language by");
        }

        var response = new DetectLanguageResponse { Locale = scores[0].Locale, Confidence = scores[0].Confidence };
        response.Candidates.AddRange(scores.Select(s => new LanguageGuess { Locale = s.Locale, Confidence = s.Confidence }));
        return ValueTask.FromResult(response);
    }
}

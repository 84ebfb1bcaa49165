using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.AI;

namespace GamingSystem.AiIntegration;

/// <summary>
/// One provider: its name (what model-management's <c>provider</c> field says), its kind, the model ids it serves and
/// the client that does the work. <paramref name="Errors"/> turns the client's failures into service errors; a
/// provider without one has no failures but bugs.
/// </summary>
public sealed record AiProvider(string Name, string Kind, IReadOnlyCollection<string> Models, IChatClient Client, Func<Exception, ServiceException?>? Errors)
{
    public bool Serves(string model) => Models.Contains(model, StringComparer.Ordinal);
}

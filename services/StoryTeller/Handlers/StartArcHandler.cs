using GamingSystem.Contracts.StoryTeller.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.StoryTeller.Handlers;

/// <summary>A new arc for the calling player, with no beats yet: its first NextBeat (no choice) begins it.</summary>
public sealed class StartArcHandler(ArcStore store, TimeProvider time) : IServiceHandler<StartArcRequest, Arc>
{
    public async ValueTask<Arc> HandleAsync(StartArcRequest request, CallContext context)
    {
        var arc = new Arc
        {
            Id = "arc-" + Guid.NewGuid().ToString("N"),
            PlayerId = StoryRules.Player(context),
            Theme = StoryRules.Theme(request.Theme),
            CreatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        return await store.CreateAsync(arc).ConfigureAwait(false)
            ? arc
            : throw ServiceException.Internal("a fresh arc id was taken");
    }
}

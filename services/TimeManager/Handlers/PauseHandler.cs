using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.TimeManager.Domain;

namespace GamingSystem.TimeManager.Handlers;

/// <summary>Stops the clock at the current minute; pausing a paused clock changes nothing.</summary>
public sealed class PauseHandler(ClockChanges changes) : IServiceHandler<PauseRequest, GameTime>
{
    public async ValueTask<GameTime> HandleAsync(PauseRequest request, CallContext context) =>
        await changes.ApplyAsync("paused", GameClock.Paused).ConfigureAwait(false);
}

using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.TimeManager.Domain;

namespace GamingSystem.TimeManager.Handlers;

/// <summary>Runs the clock again from the minute it was paused at.</summary>
public sealed class ResumeHandler(ClockChanges changes) : IServiceHandler<ResumeRequest, GameTime>
{
    public async ValueTask<GameTime> HandleAsync(ResumeRequest request, CallContext context) =>
        await changes.ApplyAsync("resumed", GameClock.Resumed).ConfigureAwait(false);
}

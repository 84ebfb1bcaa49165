using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.TimeManager.Domain;

namespace GamingSystem.TimeManager.Handlers;

/// <summary>From now on the clock runs at the new scale; the game time reached so far is kept.</summary>
public sealed class SetScaleHandler(ClockChanges changes) : IServiceHandler<SetScaleRequest, GameTime>
{
    public async ValueTask<GameTime> HandleAsync(SetScaleRequest request, CallContext context)
    {
        if (double.IsNaN(request.Scale) || request.Scale is < GameClock.MinScale or > GameClock.MaxScale)
        {
            throw ServiceException.InvalidArgument("scale", $"must be {GameClock.MinScale}-{GameClock.MaxScale} game minutes per real second");
        }

        return await changes.ApplyAsync("scaled", (state, now) => GameClock.WithScale(state, request.Scale, now)).ConfigureAwait(false);
    }
}

using GamingSystem.Contracts.TimeManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using GamingSystem.TimeManager.Domain;

namespace GamingSystem.TimeManager.Handlers;

public sealed class GetTimeHandler(ClockStore store, TimeProvider time) : IServiceHandler<GetTimeRequest, GameTime>
{
    public async ValueTask<GameTime> HandleAsync(GetTimeRequest request, CallContext context) =>
        GameClock.ToGameTime(await store.ReadAsync().ConfigureAwait(false), time.GetUtcNow());
}

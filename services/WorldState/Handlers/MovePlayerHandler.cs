using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.WorldState.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.WorldState.Handlers;

/// <summary>
/// Moves the caller one step: to a neighbour of the region they are in. Moving to where they already are changes
/// nothing (a retried move is harmless); each real move publishes evt.world.player_moved once.
/// </summary>
public sealed partial class MovePlayerHandler(RegionStore store, WorldEvents events, TimeProvider time, ILogger<MovePlayerHandler> logger)
    : IServiceHandler<MovePlayerRequest, PlayerLocation>
{
    private const int Attempts = 5;

    public async ValueTask<PlayerLocation> HandleAsync(MovePlayerRequest request, CallContext context)
    {
        var player = context.RequirePlayer("a location");
        WorldRules.RegionId(request.RegionId);
        _ = await store.GetAsync(request.RegionId).ConfigureAwait(false)
            ?? throw ServiceException.NotFound($"no region '{request.RegionId}': GET /api/v1/world/regions lists them");
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var stored = await store.LocationAsync(player).ConfigureAwait(false);
            var from = stored?.RegionId ?? SeedRegions.StartingRegion;
            if (from == request.RegionId)
            {
                return stored ?? new PlayerLocation { PlayerId = player, RegionId = from };
            }

            var here = await store.GetAsync(from).ConfigureAwait(false);
            if (here is not null && !here.Neighbours.Contains(request.RegionId))
            {
                throw ServiceException.FailedPrecondition(
                    $"'{request.RegionId}' is not next to '{from}': from there you can go to {string.Join(", ", here.Neighbours)}");
            }

            var location = new PlayerLocation { PlayerId = player, RegionId = request.RegionId, Since = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
            if (await store.MoveAsync(location, stored?.RegionId ?? "").ConfigureAwait(false) is { } move)
            {
                LogMoved(player, from, location.RegionId);
                await events.PlayerMovedAsync(location, stored?.RegionId ?? "", move).ConfigureAwait(false);
                return location;
            }
        }

        throw new ServiceException(ErrorCode.Aborted, "you moved elsewhere while this move was made; look where you are and try again");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Player {PlayerId} moved from {From} to {To}")]
    private partial void LogMoved(string playerId, string from, string to);
}

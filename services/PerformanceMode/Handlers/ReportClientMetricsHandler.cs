using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.PerformanceMode.V1;
using GamingSystem.PerformanceMode.Quality;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.PerformanceMode.Handlers;

/// <summary>
/// A client's frame rate, frame time, ping and device tier -> the quality preset it should run, held by hysteresis
/// (<see cref="QualityOptions"/>) so that a frame rate hovering near a threshold does not make it flap. The frame
/// rate is the worse of the fps reported and the one the frame time implies, either may be left 0.
/// </summary>
public sealed class ReportClientMetricsHandler(ClientStateStore store) : IServiceHandler<ReportClientMetricsRequest, QualityRecommendation>
{
    public const double MaxFps = 1000;
    public const double MaxMs = 60_000;

    public async ValueTask<QualityRecommendation> HandleAsync(ReportClientMetricsRequest request, CallContext context)
    {
        var playerId = context.PlayerId;
        if (string.IsNullOrWhiteSpace(playerId))
        {
            throw new ServiceException(ErrorCode.Unauthenticated, $"no player: the recommendation is the calling player's, named by the {MessagingHeaders.PlayerId} header");
        }

        Range("fps", request.Fps, MaxFps);
        Range("frameTimeMs", request.FrameTimeMs, MaxMs);
        Range("pingMs", request.PingMs, MaxMs);
        if (!Enum.IsDefined(request.DeviceTier))
        {
            throw ServiceException.InvalidArgument("deviceTier", "must be DEVICE_TIER_LOW, DEVICE_TIER_MID or DEVICE_TIER_HIGH");
        }

        var fromFrameTime = request.FrameTimeMs > 0 ? 1000 / request.FrameTimeMs : double.MaxValue;
        var fps = Math.Min(request.Fps > 0 ? request.Fps : double.MaxValue, fromFrameTime);
        if (fps == double.MaxValue)
        {
            throw ServiceException.InvalidArgument("fps", "is needed, or frameTimeMs: one of them must be above 0");
        }

        return await store.ReportAsync(playerId, new ClientSample(fps, request.PingMs, request.DeviceTier)).ConfigureAwait(false);
    }

    private static void Range(string field, double value, double max)
    {
        if (double.IsNaN(value) || value < 0 || value > max)
        {
            throw ServiceException.InvalidArgument(field, $"is {value}; it must be 0 to {max}");
        }
    }
}

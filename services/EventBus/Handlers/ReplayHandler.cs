using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.EventBus.Handlers;

public sealed class ReplayHandler(EventLog log) : IServiceHandler<ReplayRequest, ReplayResponse>
{
    public async ValueTask<ReplayResponse> HandleAsync(ReplayRequest request, CallContext context)
    {
        var stream = EventRules.Filter(request.SubjectFilter);
        var limit = EventRules.Limit(request.Limit);
        var start = request.StartCase == ReplayRequest.StartOneofCase.FromTime
            ? new EventLog.Start(0, request.FromTime.ToDateTimeOffset())
            : new EventLog.Start(request.FromSequence, null);

        var (events, next) = await log.ReadAsync(stream.Name, request.SubjectFilter, start, limit, context.CancellationToken).ConfigureAwait(false);
        return new ReplayResponse { Events = { events }, NextSequence = next };
    }
}

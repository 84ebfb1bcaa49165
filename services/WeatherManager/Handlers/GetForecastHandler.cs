using GamingSystem.Contracts.WeatherManager.V1;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace GamingSystem.WeatherManager.Handlers;

public sealed class GetForecastHandler(WeatherBook book, IOptions<WeatherOptions> options) : IServiceHandler<GetForecastRequest, Forecast>
{
    public async ValueTask<Forecast> HandleAsync(GetForecastRequest request, CallContext context)
    {
        RegionField.Check(request.RegionId);
        if (request.Hours is < 1 or > WeatherOptions.MaxForecastHours)
        {
            throw ServiceException.InvalidArgument("hours", $"must be 1-{WeatherOptions.MaxForecastHours}");
        }

        var (current, region) = await book.CurrentAsync(request.RegionId, context.CancellationToken).ConfigureAwait(false);
        return WeatherBook.Forecast(options.Value.Seed, region, current, request.Hours);
    }
}
